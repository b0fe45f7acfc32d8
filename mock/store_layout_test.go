package mock_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/store"
)

// TestOpensADatabaseWrittenBeforeMetadata: a data directory written by a version without
// metadata records (each secret's record alone, with its versions) opens, and its secrets are
// listed as they are shown.
func TestOpensADatabaseWrittenBeforeMetadata(t *testing.T) {
	dir := t.TempDir()
	db, err := store.OpenBolt(filepath.Join(dir, mock.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"alpha", "beta", "gamma"}
	err = db.Update(func(tx store.Tx) error {
		for i, name := range names {
			// The record as those versions wrote it.
			rec := fmt.Sprintf(`{"id":"00000000-0000-4000-8000-00000000000%d","name":%q,"state":"ENABLED",`+
				`"kms_key_id":"k","description":"old","secret_type":"COMMON","create_time":1764417600000,`+
				`"update_time":1764417600000,"stage_times":{"SYSCURRENT":1764417600000},"next_version":3,`+
				`"versions":[{"id":"v1","create_time":1764417600000,"stages":["SYSPREVIOUS"],"value":{"string":"one"}},`+
				`{"id":"v2","create_time":1764417600000,"stages":["SYSCURRENT"],"value":{"string":"two"}}]}`, i, name)
			if err := tx.Put("secrets/"+mock.DemoProjectID, name, []byte(rec)); err != nil {
				return err
			}
			if err := tx.Put("secret-ids/"+mock.DemoProjectID, fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i), []byte(name)); err != nil {
				return err
			}
		}
		return tx.Put("projects", mock.DemoProjectID, []byte{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	_, c := newMock(t, func(cfg *mock.Config) { cfg.DataDir = dir; cfg.DemoSecret = false })
	var page struct {
		Secrets []map[string]any `json:"secrets"`
	}
	if err := json.Unmarshal(c.must(200, "GET", base, "", demoToken).body, &page); err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, sec := range page.Secrets {
		listed = append(listed, sec["name"].(string))
		var shown struct {
			Secret map[string]any `json:"secret"`
		}
		if err := json.Unmarshal(c.must(200, "GET", base+"/"+sec["name"].(string), "", demoToken).body, &shown); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(shown.Secret) != fmt.Sprint(sec) {
			t.Errorf("listed as %v, shown as %v", sec, shown.Secret)
		}
	}
	if !slices.Equal(listed, names) {
		t.Errorf("listed %v, want %v", listed, names)
	}
}
