package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// byteSize is a size flag: bytes, or a number with a unit as people write
// them, decimal (kB, MB, GB, TB: powers of 1000) or binary (KiB, MiB,
// GiB, TiB: powers of 1024), e.g. 1GB, 5GiB, 1.5 TB, 512MiB. Units are
// case-insensitive; "b" and "bytes" are bytes.
type byteSize int64

var sizeUnits = map[string]float64{
	"": 1, "b": 1, "byte": 1, "bytes": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

func (b *byteSize) String() string {
	if b == nil || *b == 0 {
		return "0"
	}
	return strconv.FormatInt(int64(*b), 10)
}

// Set parses a size; it refuses negative sizes, fractions of a byte and
// sizes past 2^63 bytes.
func (b *byteSize) Set(s string) error {
	v := strings.TrimSpace(s)
	i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := v, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(v[:i]), strings.ToLower(strings.TrimSpace(v[i:]))
	}
	mult, ok := sizeUnits[unit]
	if !ok || num == "" {
		return fmt.Errorf("%q is not a size: write bytes, or a number with kB, MB, GB, TB, KiB, MiB, GiB or TiB (e.g. 5GiB)", s)
	}
	if mult == 1 {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number of bytes", s)
		}
		*b = byteSize(n)
		return nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return fmt.Errorf("%q is not a size", s)
	}
	bytes := f * mult
	if bytes >= math.MaxInt64 {
		return fmt.Errorf("%q is too large", s)
	}
	if bytes != math.Trunc(bytes) {
		return fmt.Errorf("%q is not a whole number of bytes", s)
	}
	*b = byteSize(bytes)
	return nil
}
