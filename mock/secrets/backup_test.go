package secrets

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The backup Backup splices from the stored record must be, byte for byte, the one
// json.Marshal writes for the decoded secret, so that Restore reads either the same way.
func TestAppendBackupIsMarshal(t *testing.T) {
	text, bin := `line "one"\n<two> & ü`, "AAEC/w=="
	tests := []struct {
		name    string
		project string
		secret  Secret
	}{
		{"empty secret", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", Secret{}},
		{"every field", "p", Secret{
			ID: "id", Name: "db-password", State: StatePendingDelete, KMSKeyID: "k", Description: "<b>&\"</b>",
			SecretType: defaultSecretType, EnterpriseProjectID: "0", CreateTime: 1, UpdateTime: 2,
			ScheduledDeleteTime: 3, NextVersion: 3,
			Versions: []Version{
				{ID: "v1", CreateTime: 1, Stages: []string{StagePrevious}, Value: Value{String: &text}},
				{ID: "v2", CreateTime: 2, Stages: []string{StageCurrent, "custom"}, Value: Value{Binary: &bin}},
			},
		}},
		{"a project that needs escaping", "a\"b\\c\u2028", Secret{Name: "n"}},
		{"a project JSON escapes for HTML", "<a&b>", Secret{Name: "n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored, err := json.Marshal(tt.secret)
			if err != nil {
				t.Fatal(err)
			}
			want, err := json.Marshal(backup{Format: backupFormat, ProjectID: tt.project, Secret: tt.secret})
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendBackup(nil, tt.project, stored)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("appendBackup wrote\n%s\njson.Marshal writes\n%s", got, want)
			}
		})
	}
}

func TestRecordState(t *testing.T) {
	stored, err := json.Marshal(Secret{Name: "n", State: StatePendingDelete, ScheduledDeleteTime: 1764245678000,
		Versions: []Version{{ID: "v1", Stages: []string{StageCurrent}}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name          string
		raw           string
		wantState     string
		wantScheduled int64
		wantErr       bool
	}{
		{"a stored secret", string(stored), StatePendingDelete, 1764245678000, false},
		{"no deletion scheduled", `{"state":"ENABLED"}`, stateEnabled, 0, false},
		{"not an object", `["ENABLED"]`, "", 0, true},
		{"not JSON", `{"state":"ENABLED"`, "", 0, true},
		{"two documents", `{"state":"ENABLED"}{}`, "", 0, true},
		{"a fractional time", `{"state":"PENDING_DELETE","scheduled_delete_time":1.5}`, "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state, scheduled, err := recordState([]byte(tt.raw))
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want an error: %v", err, tt.wantErr)
			}
			if state != tt.wantState || scheduled != tt.wantScheduled {
				t.Fatalf("got (%q, %d), want (%q, %d)", state, scheduled, tt.wantState, tt.wantScheduled)
			}
		})
	}
}
