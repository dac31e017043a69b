// Package share holds the rules of time-limited shares that do no I/O:
// link tokens (256 bits from crypto/rand, kept only as SHA-256 hashes and
// compared in constant time), the allowed share durations, the parsing of
// guest address lists typed by people, and a per-client rate limiter for
// the guest routes. It imports nothing but the standard library.
package share
