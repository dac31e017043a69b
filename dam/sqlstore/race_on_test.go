//go:build race

package sqlstore

// raceEnabled says the race detector is on (go test -race, the README's
// and CI's command): it makes SQLite's transpiled C 5-10 times slower, so
// the randomised tests take fewer steps there; without -race they take
// them all.
const raceEnabled = true
