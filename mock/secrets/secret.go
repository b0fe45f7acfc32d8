// Package secrets holds the mock's CSMS semantics: secrets, their versions and stages, states,
// scheduled deletion, the quota, and backups and restores. Every failure is an *Error of a
// Kind, which the mock maps to the vendor's code.
package secrets

import "slices"

// Secret states the service sets itself; fixtures may give others (DISABLED, FROZEN).
const (
	stateEnabled       = "ENABLED"
	StatePendingDelete = "PENDING_DELETE"
)

// Version stages the service manages itself.
const (
	StageCurrent  = "SYSCURRENT"
	StagePrevious = "SYSPREVIOUS"
)

// Limits the vendor documents.
const (
	// MaxVersions is the most versions a secret keeps.
	MaxVersions = 20
	// maxStages is the most stages a secret's versions carry together.
	maxStages = 12
	// maxTags is the most tags a secret carries.
	maxTags = 20
)

// defaultSecretType is the type of a secret created without one.
const defaultSecretType = "COMMON"

// Secret is a secret with all its versions, or only its metadata where a list returns it:
// nothing that belongs to the versions (Versions, StageTimes, NextVersion). Times are epoch
// milliseconds.
type Secret struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	State               string `json:"state"`
	KMSKeyID            string `json:"kms_key_id"`
	Description         string `json:"description,omitempty"`
	SecretType          string `json:"secret_type"`
	EnterpriseProjectID string `json:"enterprise_project_id,omitempty"`
	CreateTime          int64  `json:"create_time"`
	UpdateTime          int64  `json:"update_time"`
	ScheduledDeleteTime int64  `json:"scheduled_delete_time,omitempty"`
	// RotationTime is when the secret was last rotated, NextRotationTime when automatic
	// rotation rotates it next (0: it is not scheduled): rotation.go.
	RotationTime     int64 `json:"rotation_time,omitempty"`
	NextRotationTime int64 `json:"next_rotation_time,omitempty"`
	Settings
	// Tags maps each tag key to its value.
	Tags map[string]string `json:"tags,omitempty"`
	// StageTimes says when each stage last moved, in epoch milliseconds.
	StageTimes  map[string]int64 `json:"stage_times,omitempty"`
	NextVersion int              `json:"next_version,omitempty"`
	Versions    []Version        `json:"versions,omitempty"`
}

// Settings are a secret's rotation and event settings: kept and returned as the client sent
// them. AutoRotation with RotationPeriod schedules the rotations of a secret of a type that
// rotates (rotation.go); the mock sends no event.
type Settings struct {
	AutoRotation       bool     `json:"auto_rotation,omitempty"`
	RotationPeriod     string   `json:"rotation_period,omitempty"`
	RotationConfig     string   `json:"rotation_config,omitempty"`
	RotationFuncURN    string   `json:"rotation_func_urn,omitempty"`
	EventSubscriptions []string `json:"event_subscriptions,omitempty"`
}

// Version is one value of a secret with its stages.
type Version struct {
	ID         string   `json:"id"`
	CreateTime int64    `json:"create_time"`
	Stages     []string `json:"stages"`
	Value      Value    `json:"value"`
	// ExpireTime is the client's expiry time, kept as sent; nil when never set.
	ExpireTime *int64 `json:"expire_time,omitempty"`
}

// Value is a version's content: exactly one of String and Binary (base64, as sent) is set.
type Value struct {
	String *string `json:"string,omitempty"`
	Binary *string `json:"binary,omitempty"`
}

// version returns the version with the given ID, or the current one for "latest".
func (s *Secret) version(id string) (*Version, bool) {
	for i := range s.Versions {
		v := &s.Versions[i]
		if v.ID == id || (id == "latest" && v.hasStage(StageCurrent)) {
			return v, true
		}
	}
	return nil, false
}

// hasStage reports whether the version carries the stage.
func (v *Version) hasStage(stage string) bool { return slices.Contains(v.Stages, stage) }

// moveStage gives stage to version id, taking it from any other version, as stage labels are
// unique within a secret, and notes when it moved.
func (s *Secret) moveStage(stage, id string, now int64) {
	if s.StageTimes == nil {
		s.StageTimes = map[string]int64{}
	}
	s.StageTimes[stage] = now
	for i := range s.Versions {
		v := &s.Versions[i]
		if v.ID == id {
			if !v.hasStage(stage) {
				v.Stages = append(v.Stages, stage)
			}
			continue
		}
		v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == stage })
	}
}

// stageHolder returns the version that carries stage.
func (s *Secret) stageHolder(stage string) (*Version, bool) {
	for i := range s.Versions {
		if s.Versions[i].hasStage(stage) {
			return &s.Versions[i], true
		}
	}
	return nil, false
}

// stageCount is how many distinct stages the secret's versions carry.
func (s *Secret) stageCount() int {
	n := 0
	for _, v := range s.Versions {
		n += len(v.Stages)
	}
	return n
}

// dropStage removes stage from whichever version carries it.
func (s *Secret) dropStage(stage string) {
	for i := range s.Versions {
		v := &s.Versions[i]
		v.Stages = slices.DeleteFunc(v.Stages, func(s string) bool { return s == stage })
	}
	delete(s.StageTimes, stage)
}
