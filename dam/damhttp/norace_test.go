//go:build !race

package damhttp_test

const raceEnabled = false
