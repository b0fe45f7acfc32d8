package secrets

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/csmskit/csmskit/mock/store"
)

// NewVersion is what CreateSecretVersion takes.
type NewVersion struct {
	Value Value
	// Stages, when given, are the new version's exactly; without them it becomes SYSCURRENT.
	Stages []string
	// ExpireTime is the client's expiry time, kept as sent.
	ExpireTime *int64
}

// AddVersion adds a version to an ENABLED secret. Without stages it becomes SYSCURRENT and the
// former current one SYSPREVIOUS; with stages it gets exactly those (each moved from the version
// holding it), so SYSCURRENT moves only when it is listed. A secret keeps MaxVersions versions:
// a new one beyond them retires the oldest version that carries no stage, as the vendor's
// pages allow. There always is one: a secret carries at most maxStages stages, fewer than
// MaxVersions.
func (s *Service) AddVersion(project, name string, in NewVersion) (*Secret, *Version, error) {
	if err := checkValue(in.Value); err != nil {
		return nil, nil, err
	}
	var added Version
	sec, err := s.updateThen(project, name, func(sec *Secret) error {
		if err := usable(sec); err != nil {
			return err
		}
		var err error
		added, err = sec.addVersion(in, s.now())
		return err
	}, func(tx store.Tx, sec *Secret) error {
		if err := indexExpiry(tx, project, sec, &added); err != nil {
			return err
		}
		return s.recordVersionEvent(tx, project, sec, EventVersionCreated, added.ID)
	})
	if err != nil {
		return nil, nil, err
	}
	return sec, &added, nil
}

// addVersion adds a version to the secret as AddVersion does (a rotation too) and returns it.
func (sec *Secret) addVersion(in NewVersion, now int64) (Version, error) {
	stages := in.Stages
	if len(stages) == 0 {
		stages = []string{StageCurrent}
	}
	if len(sec.Versions) >= MaxVersions {
		i := slices.IndexFunc(sec.Versions, func(v Version) bool { return len(v.Stages) == 0 })
		if i < 0 {
			return Version{}, fmt.Errorf("secret %s: %d versions, every one with a stage", sec.Name, len(sec.Versions))
		}
		sec.Versions = slices.Delete(sec.Versions, i, i+1)
	}
	added := Version{ID: "v" + strconv.Itoa(sec.NextVersion), CreateTime: now, Value: in.Value, ExpireTime: in.ExpireTime}
	sec.NextVersion++
	previous, hasCurrent := sec.version("latest")
	previousID := ""
	if hasCurrent {
		previousID = previous.ID
	}
	sec.Versions = append(sec.Versions, added)
	for _, stage := range stages {
		if stage == StageCurrent && previousID != "" {
			sec.moveStage(StagePrevious, previousID, now)
		}
		sec.moveStage(stage, added.ID, now)
	}
	if sec.stageCount() > maxStages {
		return Version{}, fail(TooManyStages, fmt.Sprintf("a secret carries at most %d stages", maxStages))
	}
	v, _ := sec.version(added.ID)
	return *v, nil
}

// usable refuses to read or change the values of a secret that is not ENABLED.
func usable(sec *Secret) error {
	switch sec.State {
	case stateEnabled:
		return nil
	case StatePendingDelete:
		return fail(PendingDeletion, "the secret is scheduled for deletion")
	default:
		return fail(NotEnabled, "the secret is "+sec.State)
	}
}

func versionNotFound(name, id string) error {
	return fail(VersionNotFound, "no version "+id+" of secret "+name)
}

// ShowVersion returns one version with its value ("latest" is the current one).
func (s *Service) ShowVersion(project, name, versionID string) (*Secret, *Version, error) {
	sec, err := s.view(project, name)
	if err != nil {
		return nil, nil, err
	}
	if err := usable(sec); err != nil {
		return nil, nil, err
	}
	v, ok := sec.version(versionID)
	if !ok {
		return nil, nil, versionNotFound(name, versionID)
	}
	return sec, v, nil
}

// UpdateVersion sets a version's expiry time; only an ENABLED secret's versions change.
func (s *Service) UpdateVersion(project, name, versionID string, expireTime int64) (*Secret, *Version, error) {
	var updated Version
	var before *int64
	sec, err := s.updateThen(project, name, func(sec *Secret) error {
		if err := usable(sec); err != nil {
			return err
		}
		v, ok := sec.version(versionID)
		if !ok {
			return versionNotFound(name, versionID)
		}
		before = v.ExpireTime
		v.ExpireTime = &expireTime
		updated = *v
		return nil
	}, func(tx store.Tx, sec *Secret) error {
		// The version's former expiry is no longer due; its new one is.
		if err := unindexExpiry(tx, project, sec.Name, updated.ID, before); err != nil {
			return err
		}
		return indexExpiry(tx, project, sec, &updated)
	})
	if err != nil {
		return nil, nil, err
	}
	return sec, &updated, nil
}

// ListVersions returns up to limit versions after marker, in creation order.
func (s *Service) ListVersions(project, name string, limit int, marker string) (*Secret, Page[Version], error) {
	var page Page[Version]
	sec, err := s.view(project, name)
	if err != nil {
		return nil, page, err
	}
	start := 0
	if marker != "" {
		start = len(sec.Versions)
		for i, v := range sec.Versions {
			if v.ID == marker {
				start = i + 1
			}
		}
	}
	end := min(start+limit, len(sec.Versions))
	page.Items = sec.Versions[start:end]
	if end < len(sec.Versions) {
		page.NextMarker = sec.Versions[end-1].ID
	}
	return sec, page, nil
}

// Stage is a stage and the version that carries it.
type Stage struct {
	Name, SecretName, VersionID string
	// UpdateTime is when the stage last moved, in epoch milliseconds.
	UpdateTime int64
}

func stageOf(sec *Secret, name string) (Stage, error) {
	v, ok := sec.stageHolder(name)
	if !ok {
		return Stage{}, fail(StageNotFound, "secret "+sec.Name+" has no stage "+name)
	}
	return Stage{Name: name, SecretName: sec.Name, VersionID: v.ID, UpdateTime: sec.StageTimes[name]}, nil
}

// ShowStage returns which version carries a stage.
func (s *Service) ShowStage(project, name, stage string) (Stage, error) {
	sec, err := s.view(project, name)
	if err != nil {
		return Stage{}, err
	}
	return stageOf(sec, stage)
}

// UpdateStage puts a stage on a version of an ENABLED secret, taking it from the version that
// carried it; moving SYSCURRENT gives the former current version SYSPREVIOUS.
func (s *Service) UpdateStage(project, name, stage, versionID string) (Stage, error) {
	var out Stage
	_, err := s.update(project, name, func(sec *Secret) error {
		if err := usable(sec); err != nil {
			return err
		}
		target, ok := sec.version(versionID)
		if !ok {
			return versionNotFound(name, versionID)
		}
		now := s.now()
		if stage == StageCurrent {
			if previous, ok := sec.stageHolder(StageCurrent); ok && previous.ID != target.ID {
				sec.moveStage(StagePrevious, previous.ID, now)
			}
		}
		sec.moveStage(stage, target.ID, now)
		if sec.stageCount() > maxStages {
			return fail(TooManyStages, fmt.Sprintf("a secret carries at most %d stages", maxStages))
		}
		var err error
		out, err = stageOf(sec, stage)
		return err
	})
	return out, err
}

// DeleteStage removes a stage from its version. The built-in stages cannot be removed.
func (s *Service) DeleteStage(project, name, stage string) error {
	if stage == StageCurrent || stage == StagePrevious {
		return fail(BuiltInStage, stage+" is a built-in stage and cannot be deleted")
	}
	_, err := s.update(project, name, func(sec *Secret) error {
		if _, ok := sec.stageHolder(stage); !ok {
			return fail(StageNotFound, "secret "+name+" has no stage "+stage)
		}
		sec.dropStage(stage)
		return nil
	})
	return err
}
