package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the flush timer and the test can share; it counts the
// writes it receives.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Writes() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes
}

func TestBufferedLogWritesWithinTheDelay(t *testing.T) {
	var out lockedBuffer
	buf := newBufferedLog(&out)
	_, _ = buf.Write([]byte("one\n"))
	deadline := time.Now().Add(10 * logFlushDelay)
	for out.String() != "one\n" {
		if time.Now().After(deadline) {
			t.Fatalf("after %s the log holds %q", 10*logFlushDelay, out.String())
		}
		time.Sleep(logFlushDelay / 10)
	}
}

func TestBufferedLogCloseWritesWhatWaits(t *testing.T) {
	var out lockedBuffer
	buf := newBufferedLog(&out)
	_, _ = buf.Write([]byte("one\n"))
	_, _ = buf.Write([]byte("two\n"))
	if err := buf.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "one\ntwo\n" {
		t.Fatalf("after Close the log holds %q", got)
	}
}

func TestBufferedLogWritesAFullBufferAtOnce(t *testing.T) {
	var out lockedBuffer
	buf := newBufferedLog(&out)
	line := strings.Repeat("x", 1023) + "\n"
	lines := logBufferSize / len(line)
	for range lines - 1 {
		_, _ = buf.Write([]byte(line))
	}
	if n := out.Writes(); n != 0 {
		t.Fatalf("%d lines short of a full buffer, the writer got %d writes, want none", lines-1, n)
	}
	_, _ = buf.Write([]byte(line))
	if n, size := out.Writes(), len(out.String()); n != 1 || size != logBufferSize {
		t.Fatalf("a full buffer came out in %d writes of %d bytes in all, want 1 of %d", n, size, logBufferSize)
	}
}

func TestBufferedLogKeepsConcurrentLinesWhole(t *testing.T) {
	var out lockedBuffer
	buf := newBufferedLog(&out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				_, _ = fmt.Fprintf(buf, "goroutine %d line %d\n", g, i)
			}
		})
	}
	wg.Wait()
	_ = buf.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines written, want %d", len(lines), 8*500)
	}
	for _, l := range lines {
		var g, i int
		if n, err := fmt.Sscanf(l, "goroutine %d line %d", &g, &i); n != 2 || err != nil {
			t.Fatalf("a line came out mixed: %q", l)
		}
	}
}
