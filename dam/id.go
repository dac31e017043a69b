package dam

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
	"sync"
	"time"
)

// IDs are 26 lowercase Crockford base32 characters: 48 bits of milliseconds
// then 80 random bits, so they sort by creation time and cursors can page on
// them. Within one millisecond a process increments the random part, so IDs
// it makes are strictly increasing.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

var idState struct {
	sync.Mutex
	lastMS uint64
	last   [16]byte
}

// NewID returns a new time-ordered unique ID.
func NewID(now time.Time) string {
	ms := uint64(now.UnixMilli())
	idState.Lock()
	var b [16]byte
	if ms <= idState.lastMS {
		b = idState.last
		for i := 15; i >= 6; i-- { // increment the random part
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	} else {
		var hdr [8]byte
		binary.BigEndian.PutUint64(hdr[:], ms)
		copy(b[:6], hdr[2:])
		_, _ = rand.Read(b[6:])
		idState.lastMS = ms
	}
	idState.last = b
	idState.Unlock()
	return encodeID(b)
}

func encodeID(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = idAlphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// validID reports whether s looks like an ID: cheap input hygiene before a
// store lookup, so hostile strings never reach a query.
func validID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(idAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}
