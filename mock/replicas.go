package mock

import (
	"context"
	"strconv"

	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/store"
)

// A mock whose DataDir is a PostgreSQL URL (postgres:// or postgresql://) keeps its state in
// that database, and every mock on the same database serves the same CSMS: secrets and their
// versions, events and notification records, issued tokens (by digest), the backup key, fault
// rules with their counters, scheduled deletions, rotation tasks and the schedule of automatic
// rotations all live there, so a load balancer may send any request to any of them.
// What stays per process: the request journal and the violation log, the access log, and the
// credentials and users given by flags or fixtures (each process loads the same ones at start).

func openSharedStore(url string) (store.Store, error) {
	return store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
}

// shared reports whether the store is a database shared with other processes.
func (s *Server) shared() bool { return store.IsPostgresURL(s.cfg.DataDir) }

// useSharedRules keeps the fault rules in a shared store, so that they and their counters are
// the same for every mock on it.
func (s *Server) useSharedRules() {
	if s.shared() {
		s.faults = fault.NewSharedRules(s.store)
	}
}

// addStartRule adds a rule given at start (configuration or fixtures file). On a shared store
// every mock starting adds the same rules: there a rule with no ID is named by where it comes
// from and its position, and one that exists is kept as it is, counters included.
func (s *Server) addStartRule(r fault.Rule, from string, i int) (fault.Rule, error) {
	if !s.shared() {
		return s.faults.Add(r)
	}
	if r.ID == "" {
		r.ID = from + "-" + strconv.Itoa(i+1)
	}
	return s.faults.Ensure(r)
}

// purgeBatch is how many due secrets one statement removes.
const purgeBatch = 100

// purgeDue removes the secrets whose scheduled deletion is due, logging each, and returns how
// many it removed. With a shared store, every mock runs it every dueInterval (due.go), and each
// due secret is removed by exactly one of them; with another store it does nothing, since reads
// already treat a due secret as deleted: the purge only frees its row (and its place in the
// quota), and a pass finds nothing to do on most runs.
func (s *Server) purgeDue() (int, error) {
	done, err := s.service.PurgeDue(purgeBatch)
	for _, d := range done {
		s.logger.Info("purged a secret whose deletion was due", "project", d.Project, "secret", d.Name)
	}
	return len(done), err
}

// notifyExpired records the expiry of every version whose expiry time the clock has passed,
// for the events its secret subscribes to, logging each record, and returns how many it wrote.
// Every mock on a shared database runs it; each expiry is recorded by exactly one of them.
func (s *Server) notifyExpired() (int, error) {
	done, err := s.service.NotifyExpired(purgeBatch)
	for _, r := range done {
		s.logger.Info("recorded a notification", "project", r.Project, "event", r.EventName,
			"type", r.EventType, "secret", r.SecretName, "target_id", r.TargetID, "status", r.Status)
	}
	return len(done), err
}
