package recording

import (
	"slices"
	"sync"
	"testing"
)

func TestRingKeepsTheNewest(t *testing.T) {
	r := newRing[int](3)
	for i := 1; i <= 5; i++ {
		r.Add(i)
	}
	items, dropped := r.Snapshot()
	if !slices.Equal(items, []int{3, 4, 5}) || dropped != 2 {
		t.Errorf("ring = %v, dropped %d", items, dropped)
	}
	r.reset()
	if items, dropped := r.Snapshot(); len(items) != 0 || dropped != 0 {
		t.Errorf("after reset: %v %d", items, dropped)
	}
}

func TestRingConcurrent(t *testing.T) {
	r := newRing[int](100)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 1000 {
				r.Add(i)
				_, _ = r.Snapshot()
			}
		})
	}
	wg.Wait()
	if items, dropped := r.Snapshot(); len(items) != 100 || dropped != 7900 {
		t.Errorf("%d items, %d dropped", len(items), dropped)
	}
}
