package sqlstore

import (
	"context"
	"encoding/json"

	"github.com/damkit/damkit/dam"
)

// MetadataSchema returns the metadata schema (one JSON row).
func (s *Store) MetadataSchema(ctx context.Context) (dam.MetadataSchema, error) {
	const op = "sqlstore.MetadataSchema"
	var data string
	var version int
	if err := s.read().queryRow(ctx, "SELECT version, data FROM metadata_schema WHERE id = 1").Scan(&version, &data); err != nil {
		return dam.MetadataSchema{}, s.fail(ctx, op, err)
	}
	var ms dam.MetadataSchema
	if err := json.Unmarshal([]byte(data), &ms); err != nil {
		return dam.MetadataSchema{}, s.fail(ctx, op, err)
	}
	if ms.Fields == nil {
		ms.Fields = []dam.SchemaField{}
	}
	ms.Version = version
	return ms, nil
}

// PutMetadataSchema replaces the schema when its version is still prev.
func (s *Store) PutMetadataSchema(ctx context.Context, ms dam.MetadataSchema, prev int) error {
	const op = "sqlstore.PutMetadataSchema"
	if ms.Fields == nil {
		ms.Fields = []dam.SchemaField{}
	}
	data, err := json.Marshal(ms)
	if err != nil {
		return s.fail(ctx, op, err)
	}
	return s.write(ctx, op, func(q querier) error {
		res, err := q.exec(ctx, "UPDATE metadata_schema SET version = ?, data = ? WHERE id = 1 AND version = ?", ms.Version, string(data), prev)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return dam.E(op, dam.FailedPrecondition, "the metadata schema is no longer at version %d", prev)
		}
		return nil
	})
}
