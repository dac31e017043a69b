package netguard

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPublic(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"fc00::1", false},
		{"fe80::1", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
	} {
		t.Run(tc.addr, func(t *testing.T) {
			assert.Equal(t, tc.public, Public(netip.MustParseAddr(tc.addr)))
		})
	}
}

func TestControl(t *testing.T) {
	require.ErrorIs(t, Control("tcp", "127.0.0.1:80", nil), ErrPrivate)
	require.ErrorIs(t, Control("tcp6", "[::1]:443", nil), ErrPrivate)
	require.NoError(t, Control("tcp", "93.184.216.34:443", nil))
	require.Error(t, Control("tcp", "nonsense", nil))
}
