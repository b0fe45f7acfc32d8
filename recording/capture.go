package recording

import (
	"bytes"
	"strconv"
)

// Capture keeps the first Limit bytes written to it and counts the rest, so a large body can
// be journaled or checked without holding more than the bound.
type Capture struct {
	// Buf holds the bytes kept.
	Buf bytes.Buffer
	// Limit is how many bytes Buf keeps at most.
	Limit int
	// Total counts every byte written, kept or not.
	Total int
}

// Write keeps what fits and counts the rest; it never fails.
func (c *Capture) Write(p []byte) (int, error) {
	c.Total += len(p)
	if room := c.Limit - c.Buf.Len(); room > 0 {
		c.Buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// WriteString is Write for a string, without copying it into a byte slice first.
func (c *Capture) WriteString(s string) (int, error) {
	c.Total += len(s)
	if room := c.Limit - c.Buf.Len(); room > 0 {
		c.Buf.WriteString(s[:min(room, len(s))])
	}
	return len(s), nil
}

// Overflowed reports whether more was written than the bound keeps.
func (c *Capture) Overflowed() bool { return c.Total > c.Limit }

// JournalBody is what the journal keeps of a captured request body: its redacted JSON, or its
// size when it was too large to keep.
func (c *Capture) JournalBody() string {
	if c.Overflowed() {
		return "[" + strconv.Itoa(c.Total) + " bytes]"
	}
	return Body(c.Buf.Bytes())
}
