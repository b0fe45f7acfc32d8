package recording

import "sync"

// Ring is a bounded, concurrency-safe list that keeps the newest entries.
type Ring[T any] struct {
	mu      sync.Mutex
	items   []T
	next    int // where the next item goes once the ring is full
	dropped uint64
	size    int
}

// newRing returns a ring holding at most size items (at least 1).
func newRing[T any](size int) *Ring[T] {
	size = max(size, 1)
	return &Ring[T]{size: size, items: make([]T, 0, min(size, 1024))}
}

// Add appends v, dropping the oldest item when the ring is full.
func (r *Ring[T]) Add(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.items) < r.size {
		r.items = append(r.items, v)
		return
	}
	r.items[r.next] = v
	r.next = (r.next + 1) % r.size
	r.dropped++
}

// Snapshot returns the items, oldest first, and how many were dropped to keep the bound.
func (r *Ring[T]) Snapshot() ([]T, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]T, 0, len(r.items))
	out = append(out, r.items[r.next:]...)
	out = append(out, r.items[:r.next]...)
	return out, r.dropped
}

// reset empties the ring.
func (r *Ring[T]) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items, r.next, r.dropped = r.items[:0], 0, 0
}
