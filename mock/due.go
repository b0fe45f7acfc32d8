package mock

import (
	"context"
	"sync"
	"time"
)

// dueInterval is how often each mock does the work that comes due with time: the automatic
// rotations whose time has come, the notification records of versions whose expiry time has
// passed and, on a shared database, the purge of due deletions (replicas.go). Moving the mock's
// clock (/__admin/clock) runs the rotations and records the expiries at once.
const dueInterval = 2 * time.Second

// startDueWork starts the background loop that does the due work every dueInterval.
func (s *Server) startDueWork() {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(dueInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			s.doDueWork()
		}
	})
	s.stopDueWork = func() {
		cancel()
		wg.Wait()
	}
}

// doDueWork does one pass of the due work; what fails is logged and tried again on the next.
func (s *Server) doDueWork() {
	if _, err := s.rotateDue(); err != nil {
		s.logger.Warn("automatic rotation failed; the next pass retries", "error", err)
	}
	if _, err := s.notifyExpired(); err != nil {
		s.logger.Warn("recording of expired versions failed; the next pass retries", "error", err)
	}
	if !s.shared() {
		return
	}
	if _, err := s.purgeDue(); err != nil {
		s.logger.Warn("purge of due deletions failed; the next pass retries", "error", err)
	}
}

// rotateDue runs the automatic rotations that are due, logging each, and returns how many it
// ran. Every mock on a shared database runs it, and each due rotation happens in exactly one.
func (s *Server) rotateDue() (int, error) {
	done, err := s.service.RotateDue()
	for _, t := range done {
		s.logger.Info("rotated a secret on its schedule", "secret", t.SecretName, "task", t.ID, "status", t.Status)
	}
	return len(done), err
}
