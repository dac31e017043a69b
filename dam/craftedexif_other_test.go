//go:build !linux

package dam_test

import "errors"

const canLimitAddressSpace = false

func limitAddressSpace(uint64) error { return errors.New("RLIMIT_AS is set only on linux") }

func peakMemory() string { return "peak memory not measured" }
