// Package store keeps the mock's state as ordered key-value buckets behind transactions: in
// memory, in a bbolt database file, or in a PostgreSQL database that several mocks share. It
// knows nothing of secrets: callers encode values.
package store

import "errors"

// Store runs transactions over named buckets of ordered keys.
type Store interface {
	// Update runs fn in a read-write transaction; an error from fn discards its writes.
	Update(fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Close releases the store.
	Close() error
}

// Tx reads and writes within one transaction. Values returned are the caller's to keep, but
// for Peek's and those Scan hands its fn.
type Tx interface {
	// Get returns the value under key, and whether there is one.
	Get(bucket, key string) ([]byte, bool, error)
	// Peek is Get without the copy: the value is valid only until the transaction ends and
	// must not be changed. It saves copying a large value that is only read.
	Peek(bucket, key string) ([]byte, bool, error)
	// Put stores value under key, creating the bucket when needed.
	Put(bucket, key string, value []byte) error
	// Delete removes key; removing a missing key is not an error.
	Delete(bucket, key string) error
	// Scan calls fn for each key after `after` (all keys when empty) in byte order, until fn
	// returns false. As Peek's, the value is valid only while fn runs and must not be changed:
	// a scan decodes what it reads, and a copy of each value would cost as much again.
	Scan(bucket, after string, fn func(key string, value []byte) bool) error
	// Count returns the number of keys in bucket.
	Count(bucket string) (int, error)
	// DropBuckets removes every bucket whose name starts with prefix.
	DropBuckets(prefix string) error
}

// DuePurger is what a store shared by several processes offers to remove expired records: one
// statement on the server, which every process may run at any time, deletes each due record
// exactly once. A store one process owns need not offer it: its readers treat a due record as
// gone already, and removing it frees nothing another process waits for.
type DuePurger interface {
	// PurgeDue deletes up to limit records, under the buckets whose names start with prefix,
	// whose value is a JSON object that holds marker (a literal piece of its encoding, to pass
	// over the other records cheaply) and whose integer member field is at most now. It
	// returns what it deleted.
	PurgeDue(prefix, marker, field string, now int64, limit int) ([]Due, error)
}

// BatchScanner is a Tx that reads a scan from its storage a batch at a time. ScanFirst is Scan
// with a first batch of first entries: a caller that wants a page of n reads n, not a fixed
// batch of more, so that a page's cost does not depend on how many entries follow it.
type BatchScanner interface {
	ScanFirst(bucket, after string, first int, fn func(key string, value []byte) bool) error
}

// Due names a record PurgeDue deleted.
type Due struct{ Bucket, Key string }

// errReadOnly is returned by writes inside View.
var errReadOnly = errors.New("store: write in a read-only transaction")
