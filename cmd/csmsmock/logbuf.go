package main

import (
	"io"
	"sync"
	"time"
)

// The access log writes one line per request; a write system call per line is a cost the
// mock pays under load (BENCHMARKS.md). Lines are therefore gathered and written at most
// logFlushDelay after the first of them, or as soon as logBufferSize bytes are waiting.
const (
	logBufferSize = 32 << 10
	logFlushDelay = 100 * time.Millisecond
)

// bufferedLog gathers log lines for its writer. It is safe for concurrent use; Close writes
// what is left. Nothing runs while no line is waiting. A process that dies without returning
// from serve (a fatal runtime error, SIGKILL) loses the last 100 ms of lines; a panic in a
// handler does not, as the recovery middleware catches it.
type bufferedLog struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	timer *time.Timer // armed while lines wait
}

func newBufferedLog(w io.Writer) *bufferedLog { return &bufferedLog{w: w} }

// Write keeps p for a later write to the underlying writer; it never fails.
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= logBufferSize:
		b.flushLocked()
	case b.timer == nil:
		b.timer = time.AfterFunc(logFlushDelay, b.Flush)
	}
	return len(p), nil
}

// Flush writes every waiting line now.
func (b *bufferedLog) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

// Close writes every waiting line; later lines are still accepted and written.
func (b *bufferedLog) Close() error {
	b.Flush()
	return nil
}

func (b *bufferedLog) flushLocked() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	if len(b.buf) == 0 {
		return
	}
	// A failed write to the log cannot be reported anywhere better; the lines are dropped
	// rather than kept, so that a broken stderr cannot grow the buffer without bound.
	_, _ = b.w.Write(b.buf)
	if cap(b.buf) > 4*logBufferSize {
		b.buf = nil
		return
	}
	b.buf = b.buf[:0]
}
