package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envOf is a getenv over a map.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestEnvName(t *testing.T) {
	for flagName, want := range map[string]string{
		"addr":            "CSMSMOCK_ADDR",
		"tls":             "CSMSMOCK_TLS",
		"tls-cert-out":    "CSMSMOCK_TLS_CERT_OUT",
		"admin-token":     adminTokenEnv,
		"admin-token-out": "CSMSMOCK_ADMIN_TOKEN_OUT",
	} {
		if got := envName(flagName); got != want {
			t.Errorf("envName(%q) = %q, want %q", flagName, got, want)
		}
	}
}

// Every serve flag, present and future, is read from its variable.
func TestEveryServeFlagHasAVariable(t *testing.T) {
	var o serveOptions
	fs := serveFlags(&o)
	env := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) {
		value := "from-" + f.Name
		switch f.Value.(flag.Getter).Get().(type) {
		case bool:
			value = "true"
		case int:
			value = "7"
		}
		env[envName(f.Name)] = value
	})
	if err := applyEnv(fs, envOf(env)); err != nil {
		t.Fatal(err)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if got, want := f.Value.String(), env[envName(f.Name)]; got != want {
			t.Errorf("--%s = %q, want %q from %s", f.Name, got, want, envName(f.Name))
		}
	})
}

func TestTheCommandLineWinsOverTheEnvironment(t *testing.T) {
	var o serveOptions
	fs := serveFlags(&o)
	if err := fs.Parse([]string{"--journal-size", "5", "--token", ""}); err != nil {
		t.Fatal(err)
	}
	err := applyEnv(fs, envOf(map[string]string{
		"CSMSMOCK_JOURNAL_SIZE": "9",
		"CSMSMOCK_TOKEN":        "MIIfrom-the-environment-000000000000000",
		"CSMSMOCK_LOG_LEVEL":    "debug",
		"CSMSMOCK_FRESH_KEY":    "1",
		"CSMSMOCK_TLS":          "", // empty: unset
	}))
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.JournalSize != 5 || o.cfg.Token != "" {
		t.Errorf("flags given: journal size %d, token %q; want 5 and empty", o.cfg.JournalSize, o.cfg.Token)
	}
	if o.logLevel != "debug" || !o.freshKey || o.tls {
		t.Errorf("from the environment: log level %q, fresh key %v, tls %v", o.logLevel, o.freshKey, o.tls)
	}
}

func TestAnInvalidVariableIsAUsageError(t *testing.T) {
	for name, value := range map[string]string{
		"CSMSMOCK_TLS":                   "maybe",
		"CSMSMOCK_FRESH_KEY":             "yes",
		"CSMSMOCK_JOURNAL_SIZE":          "many",
		"CSMSMOCK_UNKNOWN_SECRET_STATUS": "4o4",
	} {
		err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, envOf(map[string]string{name: value}), io.Discard, io.Discard)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: %v, want a usage error naming the variable", name, value, err)
		}
	}
	// Values the flag checks after parsing are refused as well, whatever their source.
	err := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, envOf(map[string]string{"CSMSMOCK_LOG_FORMAT": "xml"}), io.Discard, io.Discard)
	if !errors.Is(err, errUsage) {
		t.Errorf("CSMSMOCK_LOG_FORMAT=xml: %v, want a usage error", err)
	}
}

func TestServeHelpNamesTheEnvironmentOnce(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"serve", "-h"}, noEnv, io.Discard, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "environment variable"); n != 1 {
		t.Errorf("serve -h speaks of the environment %d times, want once:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "CSMSMOCK_TLS_CERT_OUT") || !strings.Contains(out.String(), "-admin-token-out") {
		t.Errorf("serve -h lacks the variables' form or --admin-token-out:\n%s", out.String())
	}
}

// The whole configuration from the environment, as a container gets it; CSMSMOCK_ADMIN_TOKEN
// guards the admin API as it always did.
func TestServeFromTheEnvironment(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	const adminToken = "admin-token-from-the-environment"
	s := startWith(t, envOf(map[string]string{
		"CSMSMOCK_ADDR":         "127.0.0.1:0",
		"CSMSMOCK_TLS":          "1",
		"CSMSMOCK_TLS_CERT_OUT": ca,
		adminTokenEnv:           adminToken,
	}))
	if !strings.HasPrefix(s.url, "https://127.0.0.1:") {
		t.Fatalf("serving %s, want https on loopback", s.url)
	}
	if _, err := os.Stat(ca); err != nil {
		t.Errorf("CSMSMOCK_TLS_CERT_OUT: %v", err)
	}
	if st := adminGet(t, s.url+"/__admin/health", ""); st != 401 {
		t.Errorf("the admin API without its token: %d, want 401", st)
	}
	if st := adminGet(t, s.url+"/__admin/health", adminToken); st != 200 {
		t.Errorf("the admin API with its token: %d, want 200", st)
	}
	if strings.Contains(s.banner, adminToken) {
		t.Error("the banner prints the admin token")
	}
}

// adminGet calls the admin API with a bearer token, if given, and returns the status.
func adminGet(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	res.Body.Close()
	return res.StatusCode
}
