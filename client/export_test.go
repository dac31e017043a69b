package client

// OnCall makes c report every operation it sends, for the coverage test.
func OnCall(c *Client, f func(op string)) { c.onCall = f }
