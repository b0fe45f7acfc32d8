package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the flush timer and the test can share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestBufferedLogWritesWithinTheDelay(t *testing.T) {
	var out lockedBuffer
	log := newBufferedLog(&out)
	_, _ = log.Write([]byte("one\n"))
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
	log := newBufferedLog(&out)
	_, _ = log.Write([]byte("one\n"))
	_, _ = log.Write([]byte("two\n"))
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "one\ntwo\n" {
		t.Fatalf("after Close the log holds %q", got)
	}
}

func TestBufferedLogWritesAFullBufferAtOnce(t *testing.T) {
	var out lockedBuffer
	log := newBufferedLog(&out)
	line := strings.Repeat("x", 1023) + "\n"
	for range logBufferSize / len(line) {
		_, _ = log.Write([]byte(line))
	}
	if got := len(out.String()); got != logBufferSize {
		t.Fatalf("a full buffer wrote %d bytes at once, want %d", got, logBufferSize)
	}
}

func TestBufferedLogKeepsConcurrentLinesWhole(t *testing.T) {
	var out lockedBuffer
	log := newBufferedLog(&out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				_, _ = fmt.Fprintf(log, "goroutine %d line %d\n", g, i)
			}
		})
	}
	wg.Wait()
	_ = log.Close()
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
