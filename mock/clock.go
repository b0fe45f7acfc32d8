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
	base  func() time.Time
	moved atomic.Int64 // nanoseconds from the configured clock
}

func newClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// now is the mock's current time.
func (c *Clock) now() time.Time { return c.base().Add(time.Duration(c.moved.Load())) }

// set moves the mock's time to t; it runs on from there.
func (c *Clock) set(t time.Time) { c.moved.Store(int64(t.Sub(c.base()))) }

// Advance moves the mock's time forward by d (back, when d is negative).
func (c *Clock) Advance(d time.Duration) { c.moved.Add(int64(d)) }

// reset returns the mock to the configured clock.
func (c *Clock) reset() { c.moved.Store(0) }

// offset is how far the mock's time is from the configured clock.
func (c *Clock) offset() time.Duration { return time.Duration(c.moved.Load()) }
