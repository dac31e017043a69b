package share_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/share"
)

func TestNewTokenForm(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, h := share.NewToken()
		require.NoError(t, share.ParseToken(tok))
		assert.Len(t, tok, share.TokenLength)
		assert.Equal(t, share.Hash(tok), h)
		assert.True(t, share.Match(tok, h))
		assert.False(t, seen[tok], "tokens repeat")
		seen[tok] = true
	}
}

func TestParseToken(t *testing.T) {
	good, _ := share.NewToken()
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"fresh", good, true},
		{"empty", "", false},
		{"short", good[:42], false},
		{"long", good + "A", false},
		{"padding", good[:42] + "=", false},
		{"std alphabet", strings.Repeat("+", 43), false},
		{"space", " " + good[1:], false},
		{"path", "../" + good[3:], false},
		{"unicode", "é" + good[2:], false},
		{"non-canonical last char", good[:42] + "B", false}, // the last of 43 characters carries 4 bits: B (1) sets a padding bit
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := share.ParseToken(tt.in)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, share.ErrInvalidToken)
			}
		})
	}
}

// TestGuessedTokensNeverMatch tries 50,000 random tokens and one-character
// mutations of a real one against its stored hash.
func TestGuessedTokensNeverMatch(t *testing.T) {
	tok, stored := share.NewToken()
	rng := mathrand.New(mathrand.NewPCG(1, 2))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	accepted := 0
	for i := range 50000 {
		var guess string
		if i%2 == 0 {
			b := make([]byte, share.TokenBytes)
			for j := range b {
				b[j] = byte(rng.UintN(256))
			}
			guess = base64.RawURLEncoding.EncodeToString(b)
		} else {
			b := []byte(tok)
			p := rng.IntN(len(b))
			c := alphabet[rng.IntN(len(alphabet))]
			if c == b[p] {
				c = alphabet[(strings.IndexByte(alphabet, c)+1)%len(alphabet)]
			}
			b[p] = c
			guess = string(b)
		}
		if share.Match(guess, stored) {
			accepted++
		}
	}
	assert.Zero(t, accepted)
	assert.True(t, share.Match(tok, stored))
}

func TestDurations(t *testing.T) {
	tests := []struct {
		name string
		list share.Durations
		d    time.Duration
		ok   bool
	}{
		{"1 day", nil, share.Day, true},
		{"28 days", nil, 28 * share.Day, true},
		{"4 days", nil, 4 * share.Day, false},
		{"zero", nil, 0, false},
		{"negative", nil, -share.Day, false},
		{"custom allows 4", share.Durations{4 * share.Day}, 4 * share.Day, true},
		{"custom refuses 7", share.Durations{4 * share.Day}, 7 * share.Day, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.list.Check(tt.d)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, share.ErrDuration)
			assert.Contains(t, err.Error(), "days")
		})
	}
}

func TestParseAddresses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
		err  error
	}{
		{"one", "a@x.com", []string{"a@x.com"}, nil},
		{"several", "a@x.com, b@y.org ,c@z.net", []string{"a@x.com", "b@y.org", "c@z.net"}, nil},
		{"duplicates folded", "A@X.com, a@x.COM, b@y.org", []string{"A@X.com", "b@y.org"}, nil},
		{"empty items", ",a@x.com,,", []string{"a@x.com"}, nil},
		{"nothing", " , ", nil, share.ErrNoGuests},
		{"display name", "Pat <p@x.com>", nil, share.ErrBadAddress},
		{"no at", "pat", nil, share.ErrBadAddress},
		{"header injection", "p@x.com\r\nBcc: evil@x.com", nil, share.ErrBadAddress},
		{"semicolon", "a@x.com; b@y.org", nil, share.ErrBadAddress},
		{"too long", strings.Repeat("a", 250) + "@x.com", nil, share.ErrBadAddress},
		{"spaces inside", "a b@x.com", nil, share.ErrBadAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := share.ParseAddresses(tt.in, 0)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseAddressesBounded(t *testing.T) {
	addrs := make([]string, 1000)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("guest%d@example.com", i)
	}
	_, err := share.ParseAddresses(strings.Join(addrs, ","), 0)
	require.ErrorIs(t, err, share.ErrTooManyGuests)
	assert.Contains(t, err.Error(), "1000 addresses given, at most 50")
	got, err := share.ParseAddresses(strings.Join(addrs[:3], ","), 3)
	require.NoError(t, err)
	assert.Len(t, got, 3)
}

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := share.NewLimiter(&share.LimiterOptions{Rate: 1, Burst: 3, MaxKeys: 2})
	for range 3 {
		assert.True(t, l.Allow("a", t0))
	}
	assert.False(t, l.Allow("a", t0), "burst spent")
	assert.True(t, l.Allow("b", t0), "keys are independent")
	assert.True(t, l.Allow("a", t0.Add(time.Second)), "refilled after a second")
	assert.False(t, l.Allow("a", t0.Add(time.Second)))
	assert.True(t, l.Allow("c", t0.Add(time.Second)), "a new key evicts one")
	assert.LessOrEqual(t, l.Len(), 2)
	for i := range 1000 {
		l.Allow(fmt.Sprint(i), t0)
	}
	assert.LessOrEqual(t, l.Len(), 2, "bounded")
}

// Take and Wait say how long until the next attempt: with 2 a second and
// the burst spent, half a second, not a fixed 30.
func TestLimiterTellsTheWait(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := share.NewLimiter(&share.LimiterOptions{Rate: 2, Burst: 2})
	tests := []struct {
		name string
		at   time.Duration
		ok   bool
		wait time.Duration
		peek time.Duration // Wait before the Take
	}{
		{"first of the burst", 0, true, 0, 0},
		{"second of the burst", 0, true, 0, 0},
		{"spent: a token in 0.5 s", 0, false, 500 * time.Millisecond, 500 * time.Millisecond},
		{"0.2 s later: 0.3 s to go", 200 * time.Millisecond, false, 300 * time.Millisecond, 300 * time.Millisecond},
		{"refilled at 0.5 s", 500 * time.Millisecond, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.peek, l.Wait("a", t0.Add(tt.at)))
			ok, wait := l.Take("a", t0.Add(tt.at))
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.wait, wait)
		})
	}
	assert.Zero(t, l.Wait("unseen", t0), "a key never seen has its whole burst")
	assert.Equal(t, 1, l.Len(), "Wait remembers no key")
}

func FuzzParseToken(f *testing.F) {
	tok, _ := share.NewToken()
	f.Add(tok)
	f.Add("")
	f.Add(strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, s string) {
		if share.ParseToken(s) != nil {
			return
		}
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) != share.TokenBytes || base64.RawURLEncoding.EncodeToString(b) != s {
			t.Fatalf("accepted non-canonical token %q", s)
		}
	})
}

func FuzzParseAddresses(f *testing.F) {
	f.Add("a@x.com, b@y.org")
	f.Add("Pat <p@x.com>")
	f.Add("p@x.com\r\nBcc: e@x.com")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := share.ParseAddresses(s, 0)
		if err != nil {
			if !errors.Is(err, share.ErrBadAddress) && !errors.Is(err, share.ErrTooManyGuests) && !errors.Is(err, share.ErrNoGuests) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(got) == 0 || len(got) > share.DefaultMaxGuests {
			t.Fatalf("got %d addresses", len(got))
		}
		for _, a := range got {
			if strings.ContainsAny(a, "\r\n<>,") || len(a) > share.MaxAddressLength {
				t.Fatalf("unsafe address %q", a)
			}
		}
	})
}
