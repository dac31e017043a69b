//go:build unix

package policy_test

import "syscall"

// cpuNanos returns the CPU time (user + system) the process has used, so
// benchmarks can report CPU per operation on a shared, busy machine where
// wall time also counts the time spent waiting for a core.
func cpuNanos() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
