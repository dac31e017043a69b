package dam_test

import (
	"os"
	"strings"
	"syscall"
)

const canLimitAddressSpace = true

// limitAddressSpace caps this process's virtual memory: an allocation past
// it fails at once instead of swapping the machine to death.
func limitAddressSpace(n uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: n, Max: n})
}

// peakMemory reports the peak virtual size and resident set of this process.
func peakMemory() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmPeak:") || strings.HasPrefix(line, "VmHWM:") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(out, ", ")
}
