//go:build race

package damhttp_test

const raceEnabled = true
