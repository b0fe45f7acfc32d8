package secrets

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/csmskit/csmskit/internal/jsonvalue"
	"github.com/csmskit/csmskit/mock/store"
)

// A backup is the secret's stored record, every version included, with the project it may be
// restored in, sealed by the Sealer into the blob DownloadSecretBlob answers.

// backup is the plaintext sealed into a blob: the secret with every version, and the project
// it may be restored in.
type backup struct {
	Format    int    `json:"format"`
	ProjectID string `json:"project_id"`
	Secret    Secret `json:"secret"`
}

const backupFormat = 1

// Backup seals a secret with all its versions into a fresh blob.
//
// The stored record is already the secret's JSON (put stores nothing else), so it goes into
// the backup as it is, between the backup's other members; only the two fields that decide
// whether the secret may be backed up are decoded. Decoding checks the whole record is JSON.
func (s *Service) Backup(project, name string) (string, error) {
	var plain []byte
	err := s.store.View(func(tx store.Tx) error {
		// Only read, and copied into the backup before the transaction ends: no copy of its own.
		raw, ok, err := tx.Peek(bucket(project), name)
		if err != nil {
			return fmt.Errorf("read secret: %w", err)
		}
		if !ok {
			return notFound(name)
		}
		state, scheduled, err := recordState(raw)
		if err != nil {
			return fmt.Errorf("decode secret %s: %w", name, err)
		}
		if s.deleted(state, scheduled) {
			return notFound(name)
		}
		if state == StatePendingDelete {
			return fail(PendingDeletion, "the secret is scheduled for deletion")
		}
		plain, err = appendBackup(make([]byte, 0, len(raw)+len(project)+48), project, raw)
		return err
	})
	if err != nil {
		return "", err
	}
	blob, err := s.sealer.Seal(plain)
	if err != nil {
		return "", fmt.Errorf("seal backup of %s: %w", name, err)
	}
	return blob, nil
}

// recordState reads a stored record's state and scheduled_delete_time, checking on the way
// that the whole record is one JSON object. jsonvalue does this in one pass without building
// the other members; encoding/json scans a record twice (validating, then skipping the members
// it does not want), a large part of a large backup's cost (BENCHMARKS.md).
func recordState(rec []byte) (state string, scheduledDeleteTime int64, err error) {
	var raw [2][]byte
	if err := jsonvalue.RawMembers(rec, recordMembers, raw[:]); err != nil {
		return "", 0, err
	}
	if v, err := jsonvalue.Decode(raw[0]); err == nil {
		state, _ = v.(string)
	}
	if n := raw[1]; len(n) > 0 && (n[0] == '-' || '0' <= n[0] && n[0] <= '9') { // a number
		if scheduledDeleteTime, err = strconv.ParseInt(string(n), 10, 64); err != nil {
			return "", 0, fmt.Errorf("scheduled_delete_time: %w", err)
		}
	}
	return state, scheduledDeleteTime, nil
}

// recordMembers are the members recordState reads.
var recordMembers = []string{"state", "scheduled_delete_time"}

// appendBackup appends the JSON of backup{backupFormat, project, secret} to b, where secret
// is the secret's JSON as stored: the bytes json.Marshal would write for the whole backup.
func appendBackup(b []byte, project string, secret []byte) ([]byte, error) {
	b = append(b, `{"format":`...)
	b = strconv.AppendInt(b, backupFormat, 10)
	b = append(b, `,"project_id":`...)
	if jsonvalue.Verbatim(project) { // a hexadecimal project ID: json.Marshal only quotes it
		b = append(append(append(b, '"'), project...), '"')
	} else {
		quoted, err := json.Marshal(project)
		if err != nil {
			return nil, fmt.Errorf("encode backup: %w", err)
		}
		b = append(b, quoted...)
	}
	b = append(b, `,"secret":`...)
	b = append(b, secret...)
	return append(b, '}'), nil
}

// Restore recreates a secret, with all its versions, values and stages, from a blob made in
// the same project, when no secret of its name exists.
func (s *Service) Restore(project, blob string) (*Secret, error) {
	plain, err := s.sealer.Open(blob)
	if err != nil {
		return nil, fail(InvalidBackup, "secret_blob: "+err.Error())
	}
	var b backup
	if err := json.Unmarshal(plain, &b); err != nil || b.Format != backupFormat || b.Secret.Name == "" {
		return nil, fail(InvalidBackup, "secret_blob: the sealed content is not a backup this service reads")
	}
	if b.ProjectID != project {
		return nil, fail(InvalidBackup, "secret_blob: the backup was made in another project and restores only there")
	}
	sec := b.Secret
	sec.State = stateEnabled
	sec.ScheduledDeleteTime = 0
	sec.UpdateTime = s.now()
	err = s.store.Update(func(tx store.Tx) error {
		if err := s.checkNewName(tx, project, sec.Name); err != nil {
			return err
		}
		return putNew(tx, project, &sec)
	})
	if err != nil {
		return nil, err
	}
	return &sec, nil
}
