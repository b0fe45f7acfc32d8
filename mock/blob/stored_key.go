package blob

import (
	"fmt"

	"github.com/csmskit/csmskit/mock/store"
)

// keyBucket holds the key of LoadOrCreateIn (a PKCS#8 PEM) under keyName.
const (
	keyBucket = "meta"
	keyName   = "backup-key"
)

// LoadOrCreateIn returns the key kept in st, making it on first use: the key of mocks that
// share a database. Mocks starting together may each make one; the first insert wins and the
// others take its key, so every mock opens every other's blobs.
func LoadOrCreateIn(st store.Store) (*Key, error) {
	pem, err := readStored(st)
	if err != nil || pem != nil {
		return parseStored(pem, err)
	}
	k, err := GenerateKey()
	if err != nil {
		return nil, err
	}
	err = st.Update(func(tx store.Tx) error {
		stored, ok, err := tx.Get(keyBucket, keyName)
		if err != nil {
			return err
		}
		if ok {
			pem = stored
			return nil
		}
		pem = k.marshalPEM()
		return tx.Put(keyBucket, keyName, pem)
	})
	return parseStored(pem, err)
}

func readStored(st store.Store) ([]byte, error) {
	var pem []byte
	err := st.View(func(tx store.Tx) error {
		v, ok, err := tx.Get(keyBucket, keyName)
		if ok {
			pem = v
		}
		return err
	})
	return pem, err
}

func parseStored(pem []byte, err error) (*Key, error) {
	if err != nil {
		return nil, fmt.Errorf("backup key: %w", err)
	}
	k, err := ParsePEM(pem)
	if err != nil {
		return nil, fmt.Errorf("the backup key in the database: %w", err)
	}
	return k, nil
}
