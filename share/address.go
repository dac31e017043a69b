package share

import (
	"fmt"
	"net/mail"
	"strings"
)

// Limits of guest address lists.
const (
	MaxAddressLength   = 254 // RFC 5321's path limit minus the brackets
	MaxLocalPartLength = 64  // RFC 5321 4.5.3.1.1
	DefaultMaxGuests   = 50
)

// ParseAddresses reads guest addresses typed by a person: several in one
// string, separated by commas (semicolons and line breaks are refused, not
// guessed at). Each must be a bare address (no display name, no CR or LF,
// at most MaxAddressLength bytes) that net/mail accepts. Duplicates are
// folded case-insensitively, keeping the first spelling; empty items
// between commas are ignored. More than max addresses (DefaultMaxGuests
// when max <= 0) gives ErrTooManyGuests before any is parsed.
func ParseAddresses(s string, max int) ([]string, error) {
	if max <= 0 {
		max = DefaultMaxGuests
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("%w: line breaks are not allowed", ErrBadAddress)
	}
	items := strings.Split(s, ",")
	if n := nonEmpty(items); n > max {
		return nil, fmt.Errorf("%w: %d addresses given, at most %d per call", ErrTooManyGuests, n, max)
	}
	var out []string
	seen := map[string]bool{}
	for i, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		addr, err := ParseAddress(item)
		if err != nil {
			return nil, fmt.Errorf("address %d: %w", i+1, err)
		}
		key := strings.ToLower(addr)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, addr)
	}
	if len(out) == 0 {
		return nil, ErrNoGuests
	}
	return out, nil
}

// ParseAddress checks one bare email address and returns it trimmed.
func ParseAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxAddressLength {
		return "", fmt.Errorf("%w: longer than %d characters", ErrBadAddress, MaxAddressLength)
	}
	if strings.ContainsAny(s, "\r\n\x00<>\",;") {
		return "", fmt.Errorf("%w: %.60q is not a bare address", ErrBadAddress, s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s, "@") {
		return "", fmt.Errorf("%w: %.60q", ErrBadAddress, s)
	}
	// Mail servers refuse longer local parts (a relay answers 500 to the
	// whole RCPT line), so refuse them here, where the caller can be told.
	if at := strings.LastIndexByte(s, '@'); at > MaxLocalPartLength {
		return "", fmt.Errorf("%w: the part before @ is longer than %d characters", ErrBadAddress, MaxLocalPartLength)
	}
	return s, nil
}

func nonEmpty(items []string) int {
	n := 0
	for _, it := range items {
		if strings.TrimSpace(it) != "" {
			n++
		}
	}
	return n
}
