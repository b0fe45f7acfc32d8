package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostPort is the host:port of a started mock's URL.
func hostPort(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// runHealth runs `csmsmock health args…` in env and returns its error and what it printed.
func runHealth(env map[string]string, args ...string) (string, error) {
	var out strings.Builder
	err := run(context.Background(), append([]string{"health"}, args...), envOf(env), &out, io.Discard)
	return out.String(), err
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestHealth(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "admin-token")
	guarded := hostPort(t, start(t, "--admin-token-out", tokenFile).url)
	_, port, _ := net.SplitHostPort(guarded)
	open := hostPort(t, start(t).url)

	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		ready     bool
		wantError string
	}{
		{"the token from the file", map[string]string{"CSMSMOCK_ADDR": guarded, "CSMSMOCK_ADMIN_TOKEN_OUT": tokenFile}, nil, true, ""},
		{"a wildcard address is asked on loopback", map[string]string{"CSMSMOCK_ADDR": "0.0.0.0:" + port, "CSMSMOCK_ADMIN_TOKEN_OUT": tokenFile}, nil, true, ""},
		{"--addr wins", map[string]string{"CSMSMOCK_ADDR": freeAddr(t), "CSMSMOCK_ADMIN_TOKEN_OUT": tokenFile}, []string{"--addr", guarded}, true, ""},
		{"an unguarded mock needs no token", map[string]string{"CSMSMOCK_ADDR": open}, nil, true, ""},
		{"a wrong token", map[string]string{"CSMSMOCK_ADDR": guarded, adminTokenEnv: "wrong", "CSMSMOCK_ADMIN_TOKEN_OUT": tokenFile}, nil, false, "401"},
		{"no token", map[string]string{"CSMSMOCK_ADDR": guarded}, nil, false, "401"},
		{"no token file yet", map[string]string{"CSMSMOCK_ADDR": guarded, "CSMSMOCK_ADMIN_TOKEN_OUT": tokenFile + ".absent"}, nil, false, "admin token"},
		{"nothing listening", map[string]string{"CSMSMOCK_ADDR": freeAddr(t)}, nil, false, "connection refused"},
		{"port 0", map[string]string{"CSMSMOCK_ADDR": "127.0.0.1:0"}, nil, false, "no port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runHealth(tt.env, tt.args...)
			if tt.ready {
				if err != nil || !strings.HasPrefix(out, "csmsmock health: ready (http://") {
					t.Errorf("health: %v, printed %q; want ready", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantError) {
				t.Fatalf("health: %v, want an error with %q", err, tt.wantError)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("the error is more than one line: %q", err)
			}
		})
	}
}

func TestHealthOverTLS(t *testing.T) {
	dir := t.TempDir()
	ca, otherCA := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "other-ca.pem")
	addr := hostPort(t, start(t, "--tls", "--tls-cert-out", ca).url)
	start(t, "--tls", "--tls-cert-out", otherCA)

	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		wantError string
	}{
		{"the written authority trusted", map[string]string{"CSMSMOCK_ADDR": addr, "CSMSMOCK_TLS": "true", "CSMSMOCK_TLS_CERT_OUT": ca}, nil, ""},
		{"--tls-ca alone", nil, []string{"--addr", addr, "--tls-ca", ca}, ""},
		{"no authority written, on loopback", map[string]string{"CSMSMOCK_ADDR": addr, "CSMSMOCK_TLS": "1"}, nil, ""},
		{"another mock's authority", map[string]string{"CSMSMOCK_ADDR": addr, "CSMSMOCK_TLS": "true", "CSMSMOCK_TLS_CERT_OUT": otherCA}, nil, "certificate"},
		{"plain HTTP to a TLS mock", map[string]string{"CSMSMOCK_ADDR": addr}, nil, "400"},
		{"an invalid CSMSMOCK_TLS", map[string]string{"CSMSMOCK_ADDR": addr, "CSMSMOCK_TLS": "maybe"}, nil, "CSMSMOCK_TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runHealth(tt.env, tt.args...)
			if tt.wantError == "" {
				if err != nil || !strings.HasPrefix(out, "csmsmock health: ready (https://") {
					t.Errorf("health: %v, printed %q; want ready over https", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantError) {
				t.Errorf("health: %v, want an error with %q", err, tt.wantError)
			}
		})
	}
}

// A mock that accepts and never answers fails the check within its bound.
func TestHealthGivesUp(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		c, err := ln.Accept() // health makes one connection
		if err != nil {
			return
		}
		<-done
		c.Close()
	}()
	began := time.Now()
	_, err = runHealth(nil, "--addr", ln.Addr().String())
	if took := time.Since(began); err == nil || took > healthTimeout+2*time.Second {
		t.Errorf("health against a silent listener: %v after %v", err, took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("health: %v, want the deadline", err)
	}
}
