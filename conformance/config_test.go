package conformance

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestApplyEnvThenFlags(t *testing.T) {
	env := map[string]string{
		EnvEndpoint: "https://csms.example.com", EnvProjectID: "p", EnvAuthToken: "MIItoken",
		EnvStrict: "true", EnvRequestTimeout: "5s", EnvLabelFilter: "must",
	}
	cfg := NewConfig()
	if err := cfg.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint != env[EnvEndpoint] || !cfg.Strict || cfg.RequestTimeout != 5*time.Second || cfg.LabelFilter != "must" {
		t.Fatalf("environment not applied: %+v", cfg)
	}
	if cfg.Timeout != DefaultTimeout {
		t.Errorf("an unset variable changed its field: Timeout = %v", cfg.Timeout)
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	if err := fs.Parse([]string{"-strict=false", "-label-filter", "blob", "-auth-token", "MIIflag"}); err != nil {
		t.Fatal(err)
	}
	if cfg.Strict || cfg.LabelFilter != "blob" || cfg.AuthToken != "MIIflag" || cfg.Endpoint != env[EnvEndpoint] {
		t.Errorf("flags did not override the environment, or cleared what they did not set: %+v", cfg)
	}
}

func TestCredentialDefaultsNeverPrinted(t *testing.T) {
	cfg := NewConfig()
	cfg.AuthToken, cfg.SK, cfg.SecretValue = "MIIhush-token", "hush-key", "hush-value"
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	cfg.RegisterFlags(fs)
	fs.PrintDefaults()
	for _, secret := range []string{cfg.AuthToken, cfg.SK, cfg.SecretValue} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("-help prints %q", secret)
		}
	}
	if !strings.Contains(out.String(), "-auth-token token") {
		t.Errorf("-help does not name the token flag's argument:\n%s", out.String())
	}
}

func TestApplyEnvRejectsMalformedValues(t *testing.T) {
	env := map[string]string{EnvStrict: "yes please", EnvTimeout: "ten minutes"}
	cfg := NewConfig()
	err := cfg.ApplyEnv(func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), EnvStrict) || !strings.Contains(err.Error(), EnvTimeout) {
		t.Fatalf("malformed values were not both reported: %v", err)
	}
}

func TestValidate(t *testing.T) {
	remote := func(mod func(*Config)) Config {
		c := NewConfig()
		c.Endpoint, c.ProjectID, c.AuthToken = "https://csms.example.com", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "MIItoken"
		mod(&c)
		return c
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"the defaults: no target yet", NewConfig(), "an endpoint is required"},
		{"a handler in process", remote(func(c *Config) { c.Endpoint, c.Handler = "", http.NotFoundHandler() }), ""},
		{"an endpoint with a token", remote(func(*Config) {}), ""},
		{"an endpoint with AK/SK", remote(func(c *Config) { c.AuthToken, c.AK, c.SK = "", "AK", "SK" }), ""},
		{"an endpoint without credentials", remote(func(c *Config) { c.AuthToken = "" }), "credentials are required"},
		{"an endpoint without a project", remote(func(c *Config) { c.ProjectID = "" }), "project ID is required"},
		{"a token and AK/SK", remote(func(c *Config) { c.AK, c.SK = "AK", "SK" }), ""},
		{"an AK without SK", remote(func(c *Config) { c.AuthToken, c.AK = "", "AK" }), "go together"},
		{"not a URL", remote(func(c *Config) { c.Endpoint = "csms.example.com" }), "want http(s)://host"},
		{"a URL with a query", remote(func(c *Config) { c.Endpoint += "?x=1" }), "no query"},
		{"a value without a name", remote(func(c *Config) { c.SecretValue = "v" }), "not set"},
		{"a name the API refuses", remote(func(c *Config) { c.SecretName = "a.b" }), "does not match"},
		{"a zero timeout", remote(func(c *Config) { c.RequestTimeout = 0 }), "positive"},
		{"a small body bound", remote(func(c *Config) { c.MaxResponseBytes = 1024 }), "at least"},
		{"a broken label filter", remote(func(c *Config) { c.LabelFilter = "must &&" }), "label filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("accepted")
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not say %q", err, tt.wantErr)
			}
		})
	}
}

func TestRequireFromEnvAndFlag(t *testing.T) {
	cfg := NewConfig()
	if !slices.Equal(cfg.Require, []string{ProfileBackup}) {
		t.Fatalf("default Require = %v, want [backup]", cfg.Require)
	}
	if err := cfg.ApplyEnv(func(k string) string { return map[string]string{EnvRequire: "secrets, tags,secrets"}[k] }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Require, []string{ProfileSecrets, ProfileTags}) {
		t.Errorf("Require = %v from %s, want [secrets tags]", cfg.Require, EnvRequire)
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.RegisterFlags(fs)
	if err := fs.Parse([]string{"-require", "none"}); err != nil || len(cfg.Require) != 0 {
		t.Errorf("-require none: Require = %v, err %v", cfg.Require, err)
	}
	if err := fs.Parse([]string{"-require", "backup,vaults"}); err == nil || !strings.Contains(err.Error(), `unknown profile "vaults"`) {
		t.Errorf("-require with an unknown profile: err %v", err)
	}
}
