package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds every difference between SQLite and PostgreSQL. Queries
// elsewhere are written once, with ? placeholders and the SQL both accept;
// they ask the dialect for the few clauses that differ.
type dialect struct {
	name     string // "sqlite" or "postgres"
	postgres bool
}

var (
	sqliteDialect   = &dialect{name: "sqlite"}
	postgresDialect = &dialect{name: "postgres", postgres: true}
)

// rebind turns ? placeholders into $1, $2, ... for PostgreSQL. Question
// marks inside quoted strings and identifiers are left alone.
func (d *dialect) rebind(query string) string {
	if !d.postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// forUpdate is appended to a SELECT that reads a row the transaction is
// about to change. SQLite needs none: BEGIN IMMEDIATE already holds the
// database's write lock.
func (d *dialect) forUpdate() string {
	if d.postgres {
		return " FOR UPDATE"
	}
	return ""
}

// skipLocked is appended to a SELECT that picks one row of a queue to
// claim: PostgreSQL skips rows another transaction has locked, so
// concurrent claimers under Read Committed take different rows instead of
// waiting for each other. SQLite serialises writers with BEGIN IMMEDIATE.
func (d *dialect) skipLocked() string {
	if d.postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// forShare is appended to a SELECT that checks a row must keep existing
// until commit (a folder an asset is put into).
func (d *dialect) forShare() string {
	if d.postgres {
		return " FOR SHARE"
	}
	return ""
}

// noIndex wraps a column so that SQLite's planner does not pick an index
// for the condition on it: a folder listing must walk the (folder_id, id)
// index in ID order, not the domain index, which would need a sort.
// PostgreSQL plans from its statistics and has no unary + on text.
func (d *dialect) noIndex(column string) string {
	if d.postgres {
		return column
	}
	return "+" + column
}

// lock serialises transactions that take the same named lock until they
// end. It guards invariants no row lock covers (the folder tree has no
// cycles, a purged blob is not referenced again meanwhile). SQLite write
// transactions are already serialised by BEGIN IMMEDIATE.
func (d *dialect) lock(ctx context.Context, tx *sql.Tx, name string) error {
	if !d.postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", name)
	return err
}

// ddl adapts a migration statement: BLOB columns are BYTEA in PostgreSQL.
func (d *dialect) ddl(stmt string) string {
	if d.postgres {
		return strings.ReplaceAll(stmt, " BLOB", " BYTEA")
	}
	return stmt
}

// createMigrationsTable is the one statement run before any migration.
func (d *dialect) createMigrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`
}

// isUnique reports whether err is a violated unique or primary key constraint.
func (d *dialect) isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// isConstraint reports whether err is any other violated constraint
// (foreign key, not null, check).
func (d *dialect) isConstraint(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Code, "23")
}
