package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/damkit/damkit/dam"
)

// Settings returns the usage settings, or dam.DefaultSettings() when none
// were saved. They are one JSON row, so new settings need no migration.
func (s *Store) Settings(ctx context.Context) (dam.Settings, error) {
	const op = "sqlstore.Settings"
	var data string
	err := s.read().queryRow(ctx, "SELECT data FROM settings WHERE id = 1").Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return dam.DefaultSettings(), nil
	}
	if err != nil {
		return dam.Settings{}, s.fail(ctx, op, err)
	}
	st := dam.DefaultSettings()
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		return dam.Settings{}, s.fail(ctx, op, err)
	}
	return st, nil
}

// PutSettings replaces the usage settings.
func (s *Store) PutSettings(ctx context.Context, st dam.Settings) error {
	const op = "sqlstore.PutSettings"
	data, err := json.Marshal(st)
	if err != nil {
		return s.fail(ctx, op, err)
	}
	return s.writeCached(ctx, op, func(q querier) error {
		_, err := q.exec(ctx, "INSERT INTO settings (id, data) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data", string(data))
		return err
	})
}
