package store

import (
	"slices"
	"strings"
	"sync"
)

// Memory is a Store held in memory; its transactions are serialised writers and shared readers.
type Memory struct {
	mu      sync.RWMutex
	buckets map[string]*memBucket
}

type memBucket struct {
	values map[string][]byte

	// sortMu guards keys and dirty among readers, which share the store's read lock; a
	// published keys slice is never modified, only replaced.
	sortMu sync.Mutex
	keys   []string // the keys in order, when !dirty
	dirty  bool
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{buckets: map[string]*memBucket{}} }

// Update implements Store: writes are staged and applied only when fn succeeds.
func (m *Memory) Update(fn func(Tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{m: m, writes: map[string]map[string][]byte{}}
	if err := fn(tx); err != nil {
		return err
	}
	for _, prefix := range tx.drops {
		for name := range m.buckets {
			if strings.HasPrefix(name, prefix) {
				delete(m.buckets, name)
			}
		}
	}
	for name, writes := range tx.writes {
		b := m.bucket(name, true)
		for k, v := range writes {
			_, existed := b.values[k]
			if v == nil {
				if existed {
					delete(b.values, k)
					b.dirty = true
				}
				continue
			}
			b.values[k] = v
			if !existed {
				b.dirty = true
			}
		}
	}
	return nil
}

// View implements Store.
func (m *Memory) View(fn func(Tx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{m: m, readOnly: true})
}

// Close implements Store.
func (m *Memory) Close() error { return nil }

func (m *Memory) bucket(name string, create bool) *memBucket {
	b := m.buckets[name]
	if b == nil && create {
		b = &memBucket{values: map[string][]byte{}}
		m.buckets[name] = b
	}
	return b
}

// sortedKeys returns the bucket's keys in order, sorting once after a change rather than on
// every insert, so bulk loads stay linear.
func (b *memBucket) sortedKeys() []string {
	b.sortMu.Lock()
	defer b.sortMu.Unlock()
	if b.dirty {
		keys := make([]string, 0, len(b.values))
		for k := range b.values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.keys, b.dirty = keys, false
	}
	return b.keys
}

type memTx struct {
	m        *Memory
	readOnly bool
	// writes stages values by bucket and key; a nil value marks a deletion.
	writes map[string]map[string][]byte
	// drops stages bucket removals by prefix, applied before the writes.
	drops []string
}

// DropBuckets stages the removal; it must come before the transaction's writes to take effect
// as written (the reset path drops first, then writes nothing).
func (t *memTx) DropBuckets(prefix string) error {
	if t.readOnly {
		return errReadOnly
	}
	t.drops = append(t.drops, prefix)
	for name := range t.writes {
		if strings.HasPrefix(name, prefix) {
			delete(t.writes, name)
		}
	}
	return nil
}

func (t *memTx) Get(bucket, key string) ([]byte, bool, error) {
	v, ok, err := t.Peek(bucket, key)
	return slices.Clone(v), ok, err
}

// Peek implements Tx. Stored slices are never changed in place (Put stores a copy and a commit
// replaces whole values), so handing one out is safe for as long as the caller only reads it.
func (t *memTx) Peek(bucket, key string) ([]byte, bool, error) {
	if w, ok := t.writes[bucket][key]; ok {
		return w, w != nil, nil
	}
	b := t.m.bucket(bucket, false)
	if b == nil {
		return nil, false, nil
	}
	v, ok := b.values[key]
	return v, ok, nil
}

func (t *memTx) Put(bucket, key string, value []byte) error {
	if t.readOnly {
		return errReadOnly
	}
	// A nil value marks a deletion in the stage, so an empty value is stored as non-nil.
	t.stage(bucket)[key] = append([]byte{}, value...)
	return nil
}

func (t *memTx) Delete(bucket, key string) error {
	if t.readOnly {
		return errReadOnly
	}
	t.stage(bucket)[key] = nil
	return nil
}

func (t *memTx) stage(bucket string) map[string][]byte {
	w := t.writes[bucket]
	if w == nil {
		w = map[string][]byte{}
		t.writes[bucket] = w
	}
	return w
}

func (t *memTx) Scan(bucket, after string, fn func(string, []byte) bool) error {
	var keys []string
	var values map[string][]byte
	if b := t.m.bucket(bucket, false); b != nil {
		keys, values = b.sortedKeys(), b.values
	}
	staged := t.writes[bucket]
	if len(staged) > 0 {
		keys = mergeKeys(keys, staged)
	}
	start, _ := slices.BinarySearch(keys, after)
	for _, k := range keys[start:] {
		if k == after {
			continue
		}
		v, ok := values[k]
		if w, isStaged := staged[k]; isStaged {
			v, ok = w, w != nil
		}
		if !ok {
			continue
		}
		if !fn(k, v) {
			return nil
		}
	}
	return nil
}

// mergeKeys returns keys with the staged ones added, sorted; staged deletions are skipped
// later by Scan.
func mergeKeys(keys []string, staged map[string][]byte) []string {
	out := slices.Clone(keys)
	for k := range staged {
		if _, found := slices.BinarySearch(keys, k); !found {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (t *memTx) Count(bucket string) (int, error) {
	n := 0
	var values map[string][]byte
	if b := t.m.bucket(bucket, false); b != nil {
		n, values = len(b.values), b.values
	}
	for k, v := range t.writes[bucket] {
		_, existed := values[k]
		switch {
		case v == nil && existed:
			n--
		case v != nil && !existed:
			n++
		}
	}
	return n, nil
}
