package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/damkit/damkit/dam"
)

// Migrations are numbered files, NNNN_name.sql, applied in order, each
// once, recorded in schema_migrations. A new table is a new file: never edit
// one that has shipped.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, path := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(path, "migrations/"), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", path)
		}
		b, err := migrationFiles.ReadFile(path)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("two migrations numbered %d", ms[i].version)
		}
	}
	return ms, nil
}

// statements splits a migration into the statements of one dialect
// ("sqlite" or "postgres"): each ends with a semicolon at the end of a
// line; "--" comment lines are dropped. A line "-- dialect: sqlite" (or
// postgres) starts statements for that dialect only, "-- dialect: all"
// statements for both again.
func statements(sql, dialect string) []string {
	var out []string
	var cur strings.Builder
	section := "all"
	for line := range strings.Lines(sql) {
		trimmed := strings.TrimSpace(line)
		if d, ok := strings.CutPrefix(trimmed, "-- dialect:"); ok {
			section = strings.TrimSpace(d)
			continue
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "--") || (section != "all" && section != dialect) {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		out = append(out, rest)
	}
	return out
}

// migrationCode is work done in Go for a migration, in its transaction:
// what SQL alone cannot compute. It runs once the statements of every
// pending migration are applied, because Go code reads and writes rows with
// the current schema's columns: a library upgraded across migration 18 and
// 22 at once reindexes with versions.embedded already there.
var migrationCode = map[int]func(s *Store, ctx context.Context, q querier) error{
	18: (*Store).reindexAll, // search documents are built by package dam
	23: (*Store).captureAll, // capture dates are read from the versions' JSON
}

// migrate applies the migrations the database lacks, all in one
// transaction, and refuses a database migrated by a newer damkit.
func (s *Store) migrate(ctx context.Context) (err error) {
	const op = "sqlstore.migrate"
	ms, err := migrations()
	if err != nil {
		return dam.E(op, dam.Internal, "%v", err)
	}
	if !s.d.postgres {
		// Statement journals in a file while migrations run (store.go:
		// a whole table rewritten by one statement stays out of memory).
		if _, err := s.w.ExecContext(ctx, "PRAGMA temp_store = FILE"); err != nil {
			return dam.E(op, dam.Internal, "%v", err)
		}
		defer func() {
			if _, rerr := s.w.ExecContext(context.WithoutCancel(ctx), "PRAGMA temp_store = MEMORY"); rerr != nil && err == nil {
				err = dam.E(op, dam.Internal, "%v", rerr)
			}
		}()
	}
	return s.write(ctx, op, func(q querier) error {
		if err := q.lock(ctx, "damkit.schema_migrations"); err != nil {
			return err
		}
		if _, err := q.exec(ctx, s.d.createMigrationsTable()); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		applied := map[int]bool{}
		rows, err := q.query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				return err
			}
			applied[v] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_ = rows.Close()
		latest := 0
		if len(ms) > 0 {
			latest = ms[len(ms)-1].version
		}
		for v := range applied {
			if v > latest {
				return dam.E("", dam.FailedPrecondition,
					"database schema version %d is newer than this damkit knows (%d)", v, latest)
			}
		}
		var pending []migration
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			for _, stmt := range statements(m.sql, s.d.name) {
				if _, err := q.exec(ctx, s.d.ddl(stmt)); err != nil {
					return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
				}
			}
			if _, err := q.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, encodeTime(time.Now())); err != nil {
				return err
			}
			pending = append(pending, m)
		}
		for _, m := range pending {
			if after := migrationCode[m.version]; after != nil {
				if err := after(s, ctx, q); err != nil {
					return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
				}
			}
		}
		if s.d.postgres {
			return nil
		}
		return dropFTSSamples(ctx, q)
	})
}

// dropFTSSamples deletes ANALYZE's samples (sqlite_stat4) of FTS5's
// asset_fts_idx, if an ANALYZE or PRAGMA optimize left some. With them,
// SQLite prepares FTS5's segment lookup (segid = ? AND term <= ?) again
// every time a value is bound to it, in case the value changes the plan:
// at every seek of every word in every segment, 20-40 % of the CPU of a
// search's facets at 1,000,000 documents (sampled ranges: 7.4 → 4.6 ms a
// call for "list"). That lookup has one plan whatever the samples say.
func dropFTSSamples(ctx context.Context, q querier) error {
	var n int
	if err := q.queryRow(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'").Scan(&n); err != nil || n == 0 {
		return err
	}
	_, err := q.exec(ctx, "DELETE FROM sqlite_stat4 WHERE tbl = 'asset_fts_idx'")
	return err
}
