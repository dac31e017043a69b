package sqlstore

import (
	"context"
	"database/sql"
)

// readGate admits at most as many reads at a time as the SQLite read pool
// has connections, in the order they asked. database/sql hands a freed
// connection to a random waiter, so under load (more requests than
// connections) a read could wait behind any number of later ones: the
// issue's 1.25 s search at 16 connections. With the gate in front, the
// pool never has a waiter; the waiting happens here, first come, first
// served (the goroutines blocked sending on a channel are woken in the
// order they blocked). nil admits everything (PostgreSQL, transactions).
type readGate chan struct{}

func newReadGate(n int) readGate { return make(readGate, n) }

// enter waits for a turn, or for ctx to end.
func (g readGate) enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g <- struct{}{}:
		return nil
	default:
	}
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// leave ends a turn.
func (g readGate) leave() {
	if g != nil {
		<-g
	}
}

// rows is *sql.Rows that ends its read's turn when it is done: when Next
// reports the end (database/sql then gives the connection back) or at
// Close.
type rows struct {
	*sql.Rows
	gate readGate
	done bool
}

func (r *rows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.release()
	return false
}

func (r *rows) Close() error {
	err := r.Rows.Close()
	r.release()
	return err
}

func (r *rows) release() {
	if !r.done {
		r.done = true
		r.gate.leave()
	}
}

// row is *sql.Row that ends its read's turn at Scan, where database/sql
// gives the connection back.
type row struct {
	r    *sql.Row
	err  error // the turn was never given
	gate readGate
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.gate.leave()
	return r.r.Scan(dest...)
}

func (r row) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.r.Err()
}
