package blob

import (
	"strings"
	"sync"
	"testing"

	"github.com/csmskit/csmskit/mock/store"
)

// Mocks starting together on one store end up with one key: whichever stored first.
func TestLoadOrCreateIn(t *testing.T) {
	st := store.NewMemory()
	keys := make([]*Key, 4)
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() { keys[i], errs[i] = LoadOrCreateIn(st) })
	}
	wg.Wait()
	for i, k := range keys {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if k.ID() != keys[0].ID() {
			t.Errorf("mock %d seals under %s, mock 0 under %s", i, k.ID(), keys[0].ID())
		}
	}
	if _, err := keys[1].Open(seal(t, keys[0], []byte("x"))); err != nil {
		t.Errorf("one mock cannot open another's blob: %v", err)
	}

	if err := st.Update(func(tx store.Tx) error { return tx.Put(keyBucket, keyName, []byte("not a key")) }); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateIn(st); err == nil || !strings.Contains(err.Error(), "the backup key in the database") {
		t.Errorf("LoadOrCreateIn over a broken key = %v, want a refusal", err)
	}
}
