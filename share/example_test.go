package share_test

import (
	"fmt"
	"time"

	"github.com/damkit/damkit/share"
)

func ExampleNewToken() {
	token, stored := share.NewToken() // mail token, keep stored
	fmt.Println(share.ParseToken(token) == nil, share.Match(token, stored), share.Match("guess", stored))
	// Output: true true false
}

func ExampleDurations_Check() {
	fmt.Println(share.Durations(nil).Check(7 * share.Day))
	fmt.Println(share.Durations(nil).Check(4 * share.Day))
	// Output:
	// <nil>
	// share: duration not allowed: 4 days is not one of 1 day, 2 days, 3 days, 5 days, 7 days, 14 days, 28 days
}

func ExampleParseAddresses() {
	addrs, err := share.ParseAddresses("ana@example.com, BO@example.org, ana@EXAMPLE.com", 0)
	fmt.Println(addrs, err)
	// Output: [ana@example.com BO@example.org] <nil>
}

func ExampleLimiter() {
	l := share.NewLimiter(&share.LimiterOptions{Burst: 2})
	now := time.Now()
	fmt.Println(l.Allow("198.51.100.7", now), l.Allow("198.51.100.7", now), l.Allow("198.51.100.7", now))
	// Output: true true false
}
