package dam_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

const canLimitAddressSpace = true

// limitAddressSpace caps this process's virtual memory at what it maps now
// plus extra: an allocation past it fails at once instead of swapping the
// machine to death. Counting from the current size keeps the cap meaningful
// on machines whose runtime reserves more address space (more threads).
func limitAddressSpace(extra uint64) error {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	var kb uint64
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmSize:"); ok {
			if kb, err = strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err != nil {
				return err
			}
		}
	}
	if kb == 0 {
		return errors.New("no VmSize in /proc/self/status")
	}
	n := kb<<10 + extra
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
