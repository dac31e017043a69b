// Package sqlstore is the SQL implementation of dam.Store, for SQLite
// (modernc.org/sqlite, no cgo: the embedded default) and PostgreSQL (pgx
// through database/sql).
//
// Queries are written once; the differences between the two databases
// live in dialect.go. The schema is a series of numbered migration files
// embedded in the binary and applied by Open. On SQLite the database runs in
// WAL mode; writes go through a single connection in BEGIN IMMEDIATE
// transactions while reads use a pool, so concurrent writers queue instead
// of failing with SQLITE_BUSY.
package sqlstore
