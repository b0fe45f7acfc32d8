package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
)

// newAdminToken makes an admin token no one can guess: 32 random bytes, base64url.
func newAdminToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails: crypto/rand crashes the program rather than return less
	return base64.RawURLEncoding.EncodeToString(b)
}

// writeFileAtomic writes data to path with mode perm by a rename, so that a reader polling for
// the file never reads half of it. The file is made under a fresh name, readable by its owner
// only until perm is set: a file left behind by an earlier run cannot lend it wider rights.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeAdminToken writes a token made at start to path, readable by the owner only.
func writeAdminToken(path, token string) error {
	if err := writeFileAtomic(path, []byte(token), 0o600); err != nil {
		return fmt.Errorf("--admin-token-out: %w", err)
	}
	return nil
}
