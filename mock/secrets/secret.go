// Package secrets holds the mock's CSMS semantics: secrets, their versions and stages, states,
// scheduled deletion, the quota, and backups and restores. Every failure is a catalogue code.
package secrets

import "slices"

// Secret states.
const (
	StateEnabled       = "ENABLED"
	StateDisabled      = "DISABLED"
	StatePendingDelete = "PENDING_DELETE"
	StateFrozen        = "FROZEN"
)

// Version stages the service manages itself.
const (
	StageCurrent  = "SYSCURRENT"
	StagePrevious = "SYSPREVIOUS"
)

// MaxVersions is the most versions a secret keeps.
const MaxVersions = 20

// DefaultSecretType is the type of a secret created without one.
const DefaultSecretType = "COMMON"

// Secret is a secret with all its versions. Times are epoch milliseconds.
type Secret struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	State               string    `json:"state"`
	KMSKeyID            string    `json:"kms_key_id"`
	Description         string    `json:"description,omitempty"`
	SecretType          string    `json:"secret_type"`
	EnterpriseProjectID string    `json:"enterprise_project_id,omitempty"`
	CreateTime          int64     `json:"create_time"`
	UpdateTime          int64     `json:"update_time"`
	ScheduledDeleteTime int64     `json:"scheduled_delete_time,omitempty"`
	NextVersion         int       `json:"next_version"`
	Versions            []Version `json:"versions"`
}

// Version is one value of a secret with its stages.
type Version struct {
	ID         string   `json:"id"`
	CreateTime int64    `json:"create_time"`
	Stages     []string `json:"stages"`
	Value      Value    `json:"value"`
}

// Value is a version's content: exactly one of String and Binary (base64, as sent) is set.
type Value struct {
	String *string `json:"string,omitempty"`
	Binary *string `json:"binary,omitempty"`
}

// Version returns the version with the given ID, or the current one for "latest".
func (s *Secret) Version(id string) (*Version, bool) {
	for i := range s.Versions {
		v := &s.Versions[i]
		if v.ID == id || (id == "latest" && v.HasStage(StageCurrent)) {
			return v, true
		}
	}
	return nil, false
}

// HasStage reports whether the version carries the stage.
func (v *Version) HasStage(stage string) bool { return slices.Contains(v.Stages, stage) }

// moveStage gives stage to version id, taking it from any other version, as stage labels are
// unique within a secret.
func (s *Secret) moveStage(stage, id string) {
	for i := range s.Versions {
		v := &s.Versions[i]
		if v.ID == id {
			if !v.HasStage(stage) {
				v.Stages = append(v.Stages, stage)
			}
			continue
		}
		v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == stage })
	}
}
