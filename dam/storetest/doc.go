// Package storetest is the conformance suite of dam.Store: every
// implementation runs Run against a fresh, empty store per test, and
// passes it. The suite covers every method of every noun (users, assets,
// trash, versions, folders, collections, notes, events, settings, requests,
// grants, notifications), the error kind of every refusal, exact
// round-trips of times (microseconds, UTC) and JSON-held fields, keyset
// paging, and concurrent writers: compare-and-set operations have exactly
// one winner and no writer sees a busy error.
package storetest
