package secrets

import "github.com/csmskit/csmskit/mock/store"

// What the tests in package secrets_test reach that callers have no use for.

// StateEnabled is the state of a secret the API creates.
const StateEnabled = stateEnabled

// Version is version, for the tests.
func (s *Secret) Version(id string) (*Version, bool) { return s.version(id) }

// HasStage is hasStage, for the tests.
func (v *Version) HasStage(stage string) bool { return v.hasStage(stage) }

// MetaBucket is metaBucket, for the tests.
var MetaBucket = metaBucket

// RecordEvent runs recordEvent, which rotation calls, in a transaction of its own.
func (s *Service) RecordEvent(project string, sec *Secret, eventType string) error {
	return s.write(func(tx store.Tx) error { return s.recordEvent(tx, project, sec, eventType) })
}
