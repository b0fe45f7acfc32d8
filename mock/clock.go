package mock

import (
	"sync/atomic"
	"time"
)

// Clock is the mock's time: the configured clock (real time by default) moved by an offset a
// test sets, so that scheduled deletions, token expiry, the signature's date window and every
// timestamp can be tested in milliseconds instead of days. Time keeps running from where it
// is set. It is safe for concurrent use.
type Clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds
}

func newClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now is the mock's current time.
func (c *Clock) Now() time.Time { return c.base().Add(time.Duration(c.offset.Load())) }

// Set moves the mock's time to t; it runs on from there.
func (c *Clock) Set(t time.Time) { c.offset.Store(int64(t.Sub(c.base()))) }

// Advance moves the mock's time forward by d (back, when d is negative).
func (c *Clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// Reset returns the mock to the configured clock.
func (c *Clock) Reset() { c.offset.Store(0) }

// Offset is how far the mock's time is from the configured clock.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }
