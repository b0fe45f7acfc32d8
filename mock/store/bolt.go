package store

import (
	"bytes"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bolt is a Store in a bbolt database file: every committed transaction is on disk.
type Bolt struct {
	db *bolt.DB
}

// OpenBolt opens or creates the database at path, readable by its owner only.
func OpenBolt(path string) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// bbolt keeps the mode of an existing file; tighten one made by an older run or by hand.
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("restrict database %s: %w", path, err)
	}
	return &Bolt{db: db}, nil
}

// Update implements Store.
func (b *Bolt) Update(fn func(Tx) error) error {
	return b.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// View implements Store.
func (b *Bolt) View(fn func(Tx) error) error {
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// Close implements Store.
func (b *Bolt) Close() error { return b.db.Close() }

type boltTx struct{ tx *bolt.Tx }

func (t boltTx) Get(bucket, key string) ([]byte, bool, error) {
	v, ok, err := t.Peek(bucket, key)
	// bbolt's values live only as long as the transaction.
	return bytes.Clone(v), ok, err
}

// Peek implements Tx: bbolt's own slice, valid until the transaction ends.
func (t boltTx) Peek(bucket, key string) ([]byte, bool, error) {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil, false, nil
	}
	v := b.Get([]byte(key))
	if v == nil {
		return nil, false, nil
	}
	return v, true, nil
}

func (t boltTx) Put(bucket, key string, value []byte) error {
	if !t.tx.Writable() {
		return errReadOnly
	}
	b, err := t.tx.CreateBucketIfNotExists([]byte(bucket))
	if err != nil {
		return fmt.Errorf("bucket %q: %w", bucket, err)
	}
	if err := b.Put([]byte(key), append([]byte{}, value...)); err != nil {
		return fmt.Errorf("put %q/%q: %w", bucket, key, err)
	}
	return nil
}

func (t boltTx) Delete(bucket, key string) error {
	if !t.tx.Writable() {
		return errReadOnly
	}
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	return b.Delete([]byte(key))
}

func (t boltTx) Scan(bucket, after string, fn func(string, []byte) bool) error {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	c := b.Cursor()
	k, v := c.Seek([]byte(after))
	if k != nil && string(k) == after {
		k, v = c.Next()
	}
	for ; k != nil; k, v = c.Next() {
		if !fn(string(k), v) { // bbolt's own slice, as Peek's
			return nil
		}
	}
	return nil
}

func (t boltTx) Count(bucket string) (int, error) {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return 0, nil
	}
	// Stats does not see the transaction's own uncommitted writes; a cursor does.
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n, nil
}

func (t boltTx) DropBuckets(prefix string) error {
	if !t.tx.Writable() {
		return errReadOnly
	}
	var names [][]byte
	err := t.tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if bytes.HasPrefix(name, []byte(prefix)) {
			names = append(names, bytes.Clone(name))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := t.tx.DeleteBucket(name); err != nil {
			return fmt.Errorf("drop bucket %q: %w", name, err)
		}
	}
	return nil
}
