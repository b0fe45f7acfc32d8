package blob

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

func TestNewKeyRejectsOtherSizes(t *testing.T) {
	for _, bits := range []int{1024, 4096} {
		_, err := NewKey(rsaKey(t, bits))
		if err == nil || !strings.Contains(err.Error(), "must be RSA-2048") {
			t.Errorf("NewKey(RSA-%d) = %v, want a refusal", bits, err)
		}
	}
	if _, err := NewKey(nil); err == nil {
		t.Error("NewKey(nil) succeeded")
	}
}

func TestKeyID(t *testing.T) {
	k, other := testKeys(t)
	again, err := NewKey(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID() != k.ID() {
		t.Errorf("the same key has kids %s and %s", k.ID(), again.ID())
	}
	if k.ID() == other.ID() {
		t.Errorf("two keys share kid %s", k.ID())
	}
	u, err := uuid.Parse(k.ID())
	if err != nil || u.String() != k.ID() || u.Version() != 8 || u.Variant() != uuid.RFC4122 {
		t.Errorf("kid %s is not a canonical version-8 UUID (%v)", k.ID(), err)
	}
}

func TestPEMRoundTrip(t *testing.T) {
	k, _ := testKeys(t)
	data := k.marshalPEM()
	block, rest := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" || len(rest) != 0 {
		t.Fatalf("marshalPEM is not one PKCS#8 PEM block:\n%s", data)
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		t.Fatalf("marshalPEM is not PKCS#8: %v", err)
	}

	data[len(data)/2] ^= 1 // marshalPEM hands out a copy
	if !bytes.Equal(k.marshalPEM(), k.pem) || bytes.Equal(data, k.pem) {
		t.Fatal("marshalPEM returned the key's own buffer")
	}

	parsed, err := ParsePEM(k.marshalPEM())
	if err != nil {
		t.Fatal(err)
	}
	if parsed.ID() != k.ID() {
		t.Errorf("parsed kid %s, want %s", parsed.ID(), k.ID())
	}
	got, err := parsed.Open(seal(t, k, []byte("across a restart")))
	if err != nil || string(got) != "across a restart" {
		t.Errorf("the parsed key opens %q, %v", got, err)
	}

	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k.priv)})
	if parsed, err := ParsePEM(pkcs1); err != nil || parsed.ID() != k.ID() {
		t.Errorf("ParsePEM(PKCS#1) = %v", err)
	}
}

func TestParsePEMRefuses(t *testing.T) {
	k, _ := testKeys(t)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	small, err := x509.MarshalPKCS8PrivateKey(rsaKey(t, 1024))
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&k.priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "no PEM block"},
		{"not PEM", []byte("hello"), "no PEM block"},
		{"public key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), `PEM block is "PUBLIC KEY"`},
		{"garbage PKCS#8", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("junk")}), "parsing PKCS#8"},
		{"EC key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), "want an RSA key"},
		{"RSA-1024", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: small}), "must be RSA-2048, got RSA-1024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePEM(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParsePEM = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state", "backup-key.pem") // the directory does not exist yet

	k, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("created with mode %#o, want 0600", perm)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("left %d files in the directory, want only the key", len(entries))
	}

	again, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID() != k.ID() {
		t.Errorf("reloaded kid %s, want %s", again.ID(), k.ID())
	}
	if _, err := again.Open(seal(t, k, []byte("x"))); err != nil {
		t.Errorf("the reloaded key cannot open the first one's blob: %v", err)
	}

	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o620} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadOrCreate(path)
		if err == nil || !strings.Contains(err.Error(), "lets group or others at the private key") {
			t.Errorf("mode %#o: LoadOrCreate = %v, want a refusal", mode, err)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if k2, err := LoadOrCreate(path); err != nil || k2.ID() != k.ID() {
		t.Errorf("mode 0400: LoadOrCreate = %v", err)
	}
}

func TestLoadOrCreateLeavesBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadOrCreate(path)
	if err == nil || !strings.Contains(err.Error(), "no PEM block") {
		t.Fatalf("LoadOrCreate = %v, want a refusal", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "not a key" {
		t.Error("LoadOrCreate replaced an unreadable key file")
	}

	if _, err := LoadOrCreate(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadOrCreate(directory) = %v", err)
	}
}

// TestLoadOrCreateRace starts several LoadOrCreate calls on a missing file at once: exactly one
// key may win, or processes would seal under keys that are no longer on disk.
func TestLoadOrCreateRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.pem")
	const n = 4
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := LoadOrCreate(path)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = k.ID()
		})
	}
	wg.Wait()
	onDisk, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if id != onDisk.ID() {
			t.Errorf("caller %d got kid %s, the file has %s", i, id, onDisk.ID())
		}
	}
}
