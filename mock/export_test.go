package mock

import "github.com/csmskit/csmskit/mock/fault"

// What the tests in package mock_test reach that callers have no use for.

// The answers of the clock and health endpoints, to decode.
type (
	ClockState = clockReport
	Health     = healthReport
)

// Faults is the mock's set of fault rules, to read their counters.
func (s *Server) Faults() *fault.Rules { return s.faults }

// Reset is reset, which the fuzz targets call to bound the state they pile up.
func (s *Server) Reset() error { return s.reset() }

// PurgeDue is purgeDue, which the replicas' test runs on several mocks at once.
func (s *Server) PurgeDue() (int, error) { return s.purgeDue() }

// RotateDue is rotateDue, which the replicas' test runs on several mocks at once.
func (s *Server) RotateDue() (int, error) { return s.rotateDue() }

// NotifyExpired is notifyExpired, which the replicas' test runs on several mocks at once.
func (s *Server) NotifyExpired() (int, error) { return s.notifyExpired() }
