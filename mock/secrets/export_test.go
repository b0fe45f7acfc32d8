package secrets

// What the tests in package secrets_test reach that callers have no use for.

// StateEnabled is the state of a secret the API creates.
const StateEnabled = stateEnabled

// Version is version, for the tests.
func (s *Secret) Version(id string) (*Version, bool) { return s.version(id) }

// HasStage is hasStage, for the tests.
func (v *Version) HasStage(stage string) bool { return v.hasStage(stage) }

// MetaBucket is metaBucket, for the tests.
var MetaBucket = metaBucket
