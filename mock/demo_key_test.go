package mock_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

// Which key a mock seals under, by configuration: a given key, then the data directory's,
// then the demo key, then one made at start.
func TestBackupKeyChoice(t *testing.T) {
	demoID, err := mock.DemoBackupKeyID()
	if err != nil {
		t.Fatalf("the embedded demo key does not load: %v", err)
	}
	tests := []struct {
		name     string
		edit     func(*mock.Config)
		wantDemo bool
	}{
		{"the default configuration", func(*mock.Config) {}, true},
		{"a given key", func(c *mock.Config) { c.BackupKey = testKey() }, false},
		{"a data directory", func(c *mock.Config) { c.DataDir = t.TempDir() }, false},
		{"the demo key turned off", func(c *mock.Config) { c.UseDemoBackupKey = false }, false},
		{"a configuration made by hand", func(c *mock.Config) { *c = mock.Config{ProjectID: mock.DemoProjectID} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mock.DefaultConfig()
			tt.edit(&cfg)
			srv, err := mock.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			if got := srv.BackupKeyID() == demoID; got != tt.wantDemo {
				t.Fatalf("sealing under the demo key (%s) = %v, want %v", demoID, got, tt.wantDemo)
			}
			if cfg.DataDir != "" {
				if _, err := os.Stat(filepath.Join(cfg.DataDir, mock.BackupKeyFile)); err != nil {
					t.Errorf("the data directory holds no key: %v", err)
				}
			}
		})
	}
}

// A backup taken from one demo mock restores into another, as it would into the same mock
// after a restart.
func TestDemoKeyBackupRestoresInAnotherDemoMock(t *testing.T) {
	_, first := newMock(t, func(c *mock.Config) { c.BackupKey = nil })
	blob := first.backup(mock.DemoSecretName)

	_, second := newMock(t, func(c *mock.Config) { c.BackupKey, c.DemoSecret = nil, false })
	var restored secretBody
	second.must(200, "POST", base+"/restore", `{"secret_blob":"`+blob+`"}`, demoToken).json(t, &restored)
	if restored.Secret.Name != mock.DemoSecretName {
		t.Fatalf("restored %q, want %q", restored.Secret.Name, mock.DemoSecretName)
	}
	if v := second.version(mock.DemoSecretName, "latest"); v.Version.String == nil || *v.Version.String != mock.DemoSecretValue {
		t.Fatalf("the restored value differs: %+v", v)
	}
}
