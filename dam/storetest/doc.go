// Package storetest is the conformance suite of dam.Store: every
// implementation runs Run against a fresh store per test, and passes it.
// The suite covers every method, the error kind of every refusal, exact
// round-trips of times (microseconds, UTC) and JSON-held fields, keyset
// paging, and concurrent writers (no lost updates, no busy errors).
package storetest
