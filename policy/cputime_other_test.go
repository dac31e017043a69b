//go:build !unix

package policy_test

// cpuNanos is not available here; benchmarks then report wall time only.
func cpuNanos() (int64, bool) { return 0, false }
