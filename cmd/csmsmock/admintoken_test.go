package main

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --admin-token-out guards the admin API with a token made at start, written 0600 before the
// mock answers, named by the banner and printed nowhere.
func TestAdminTokenOut(t *testing.T) {
	file := filepath.Join(t.TempDir(), "admin-token")
	// A file left by an earlier run, readable by all: replaced, not reused with its mode.
	if err := os.WriteFile(file, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t, "--admin-token-out", file)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the token file has mode %v, want 0600", fi.Mode().Perm())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	token := string(data)
	if raw, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(raw) != 32 {
		t.Fatalf("the token %q is not 32 bytes in base64url: %v", token, err)
	}
	if st := adminGet(t, s.url+"/__admin/health", ""); st != 401 {
		t.Errorf("the admin API without the token: %d, want 401", st)
	}
	if st := adminGet(t, s.url+"/__admin/health", "stale"); st != 401 {
		t.Errorf("the admin API with the earlier file's content: %d, want 401", st)
	}
	if st := adminGet(t, s.url+"/__admin/health", token); st != 200 {
		t.Errorf("the admin API with the token from the file: %d, want 200", st)
	}
	if !strings.Contains(s.banner, "The admin API's token is in "+file) {
		t.Errorf("the banner does not say where the token is:\n%s", s.banner)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s.banner, token) || strings.Contains(s.log.String(), token) {
		t.Errorf("the token is printed:\n%s\n%s", s.banner, s.log.String())
	}
	if !strings.Contains(s.log.String(), "path=/__admin/health") {
		t.Errorf("the admin calls are missing from the log, so it proves nothing:\n%s", s.log.String())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// A token given is the token: --admin-token-out then writes nothing.
func TestAdminTokenOutKeepsAGivenToken(t *testing.T) {
	file := filepath.Join(t.TempDir(), "admin-token")
	const given = "a-token-of-the-users-choice"
	s := startWith(t, envOf(map[string]string{adminTokenEnv: given, "CSMSMOCK_ADMIN_TOKEN_OUT": file}), "--addr", "127.0.0.1:0")
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a token file is written beside a given token: %v", err)
	}
	if st := adminGet(t, s.url+"/__admin/health", given); st != 200 {
		t.Errorf("the given token: %d, want 200", st)
	}
	if strings.Contains(s.banner, "admin API's token") {
		t.Errorf("the banner points at a token file that was not written:\n%s", s.banner)
	}
}

func TestAdminGuarded(t *testing.T) {
	tests := []struct {
		addr    string
		guarded bool
		wantErr bool
	}{
		{"127.0.0.1:8080", false, false},
		{"[::1]:8080", false, false},
		{"localhost:8080", false, false},
		{"0.0.0.0:8080", false, true},
		{":8080", false, true},
		{"[::]:8080", false, true},
		{"192.0.2.10:8080", false, true},
		{"0.0.0.0:8080", true, false},
		{":8080", true, false},
	}
	for _, tt := range tests {
		err := adminGuarded(tt.addr, tt.guarded, "a token")
		if got := err != nil; got != tt.wantErr || got && !errors.Is(err, errUsage) {
			t.Errorf("adminGuarded(%q, guarded %v) = %v, want an error %v", tt.addr, tt.guarded, err, tt.wantErr)
		}
	}
	// serve's refusal names the way that needs no token of one's own.
	err := run(context.Background(), []string{"serve", "--addr", "0.0.0.0:0"}, noEnv, io.Discard, io.Discard)
	if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--admin-token-out") {
		t.Errorf("serve beyond loopback without a token: %v", err)
	}
}
