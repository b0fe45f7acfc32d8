package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// gcHeadroom is the least the heap may grow between two collections. A mock's live heap is a
// few MiB, so Go's default (collect when the heap has doubled) would collect every few hundred
// requests, and each collection's fixed cost would then be a large part of the CPU the mock
// spends (BENCHMARKS.md measures what the headroom saves). With a headroom the collector runs
// at most every 32 MiB allocated; a heap larger than 32 MiB (many or large secrets) is
// collected exactly as with GOGC=100.
const gcHeadroom = 32 << 20

// tuneGC keeps at least gcHeadroom between the live heap and the next collection, unless the
// user set GOGC, which wins. After every collection it sets the GC percentage so that the next
// one comes when the heap reaches (live heap + stacks + globals) + gcHeadroom, or twice that
// base (GOGC=100) once the base exceeds gcHeadroom.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); set {
		return
	}
	// GOGC applies to the live heap plus goroutine stacks and globals (Go 1.18 and later).
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}
	adjust := func() {
		metrics.Read(sample)
		var base uint64
		for _, s := range sample {
			if s.Value.Kind() == metrics.KindUint64 {
				base += s.Value.Uint64()
			}
		}
		// The runtime's 4 MiB minimum heap scales with the percentage too, so below 4 MiB of
		// base the percentage is the one that puts that minimum at base + gcHeadroom.
		const minHeap = 4 << 20
		percent := 100
		switch {
		case base < minHeap:
			percent = int((base + gcHeadroom) * 100 / minHeap)
		case base < gcHeadroom:
			percent = int(gcHeadroom * 100 / base)
		}
		debug.SetGCPercent(percent)
	}
	adjust()
	// A finalizer runs once after the collection that found its object unreachable; each run
	// re-arms the next. The sentinel is 32 bytes: objects under 16 bytes without pointers may
	// share a tiny block and then never be finalized.
	type sentinel struct{ _ [32]byte }
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
			adjust()
			arm()
		})
	}
	arm()
}
