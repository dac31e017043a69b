//go:build !race

package sqlstore

// raceEnabled: see race_on_test.go.
const raceEnabled = false
