package fault

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"

	"github.com/csmskit/csmskit/mock/store"
)

// Rule injects a fault into matching calls: every Nth one, or each with a seeded probability.
type Rule struct {
	// ID names the rule; the Rules set assigns one when it is empty.
	ID string `json:"id"`
	// Operation is an operationId (e.g. DownloadSecretBlob); empty matches every operation.
	Operation string `json:"operation,omitempty"`
	// Secret is a secret name; empty matches every secret.
	Secret string `json:"secret,omitempty"`
	// Every injects on every Nth matching call (1 = all of them); 0 with Probability 0 means 1.
	Every int `json:"every,omitempty"`
	// Probability injects on each matching call with this chance, drawn from Seed's sequence.
	Probability float64 `json:"probability,omitempty"`
	Seed        uint64  `json:"seed,omitempty"`
	// Times stops the rule after this many injections; 0 means no limit.
	Times int `json:"times,omitempty"`
	// Fault is what to inject, in the header form ("status=502", "delay=1s,status=504", …).
	Fault string `json:"fault"`

	fault    Fault
	calls    int
	injected int
	rng      *rand.Rand
}

// maxRules bounds the rules a mock holds.
const maxRules = 256

// Rules is a concurrency-safe, ordered set of rules; the first that fires wins. The zero
// value keeps them in memory; NewSharedRules keeps them, counters included, in a store.
type Rules struct {
	mu     sync.Mutex
	rules  []*Rule
	nextID int
	// st, when set, holds the rules instead (shared_rules.go).
	st store.Store
}

// ErrExists refuses a rule whose ID another rule has.
var ErrExists = errors.New("a rule with that ID exists")

// Add checks r and adds it, returning it as stored (with its ID).
func (s *Rules) Add(r Rule) (Rule, error) {
	if err := r.check(); err != nil {
		return Rule{}, err
	}
	if s.st != nil {
		return s.sharedAdd(r, false)
	}
	return s.add(r, false)
}

// Ensure adds r unless a rule with its ID exists, which it then returns as it is (counters
// kept): loading the same rule again, at each start of a mock on a shared store, adds it once.
func (s *Rules) Ensure(r Rule) (Rule, error) {
	if r.ID == "" {
		return Rule{}, errors.New("ensure needs a rule ID")
	}
	if err := r.check(); err != nil {
		return Rule{}, err
	}
	if s.st != nil {
		return s.sharedAdd(r, true)
	}
	return s.add(r, true)
}

// check refuses a rule that cannot work and fills in its defaults and parsed fault.
func (r *Rule) check() error {
	f, err := Parse(r.Fault)
	if err != nil {
		return fmt.Errorf("fault: %w", err)
	}
	switch {
	case r.Every < 0 || r.Times < 0:
		return errors.New("every and times are not negative")
	case r.Probability < 0 || r.Probability > 1:
		return errors.New("probability is from 0 to 1")
	case r.Every > 0 && r.Probability > 0:
		return errors.New("give every or probability, not both")
	}
	if r.Every == 0 && r.Probability == 0 {
		r.Every = 1
	}
	r.fault, r.calls, r.injected = f, 0, 0
	return nil
}

// newPCG is the start of a rule's seeded sequence.
func newPCG(seed uint64) *rand.PCG { return rand.NewPCG(seed, seed^0x9e3779b97f4a7c15) }

func (s *Rules) add(r Rule, ensure bool) (Rule, error) {
	r.rng = rand.New(newPCG(r.Seed))
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.IndexFunc(s.rules, func(o *Rule) bool { return o.ID == r.ID }); i >= 0 {
		if ensure {
			return s.rules[i].public(), nil
		}
		return Rule{}, fmt.Errorf("%w: %q", ErrExists, r.ID)
	}
	if len(s.rules) >= maxRules {
		return Rule{}, fmt.Errorf("at most %d rules", maxRules)
	}
	if r.ID == "" {
		s.nextID++
		r.ID = "rule-" + strconv.Itoa(s.nextID)
	}
	s.rules = append(s.rules, &r)
	return r.public(), nil
}

// public is the rule as listed: its definition and how often it fired.
func (r *Rule) public() Rule {
	return Rule{ID: r.ID, Operation: r.Operation, Secret: r.Secret, Every: r.Every,
		Probability: r.Probability, Seed: r.Seed, Times: r.Times, Fault: r.Fault}
}

// Remove deletes the rule with id, reporting whether there was one.
func (s *Rules) Remove(id string) (bool, error) {
	if s.st != nil {
		return s.sharedRemove(id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.rules)
	s.rules = slices.DeleteFunc(s.rules, func(r *Rule) bool { return r.ID == id })
	return len(s.rules) < n, nil
}

// Clear removes every rule.
func (s *Rules) Clear() error {
	if s.st != nil {
		return s.st.Update(func(tx store.Tx) error { return tx.DropBuckets(rulesBucket) })
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
	return nil
}

// RuleState is a rule with its counters.
type RuleState struct {
	Rule
	Calls    int `json:"calls"`
	Injected int `json:"injected"`
}

// List returns the rules in order with their counters.
func (s *Rules) List() ([]RuleState, error) {
	if s.st != nil {
		return s.sharedList()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RuleState, len(s.rules))
	for i, r := range s.rules {
		out[i] = RuleState{Rule: r.public(), Calls: r.calls, Injected: r.injected}
	}
	return out, nil
}

// Match counts a call to operation on secret and returns the fault of the first rule that
// fires, with its ID. Counting happens under one lock (or, shared, in one transaction of the
// store), so a rule's sequence is the same whatever the concurrency. An error is the store's.
func (s *Rules) Match(operation, secret string) (Fault, string, bool, error) {
	if s.st != nil {
		return s.sharedMatch(operation, secret)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rules {
		if !r.applies(operation, secret) {
			continue
		}
		if r.count() {
			return r.fault, r.ID, true, nil
		}
	}
	return Fault{}, "", false, nil
}

// applies reports whether a call to operation on secret counts for r: it matches, and r has
// injections left.
func (r *Rule) applies(operation, secret string) bool {
	if r.Operation != "" && r.Operation != operation || r.Secret != "" && r.Secret != secret {
		return false
	}
	return r.Times == 0 || r.injected < r.Times
}

// count counts one call and reports whether r fires on it.
func (r *Rule) count() bool {
	r.calls++
	fire := false
	if r.Probability > 0 {
		fire = r.rng.Float64() < r.Probability
	} else {
		fire = r.calls%r.Every == 0
	}
	if fire {
		r.injected++
	}
	return fire
}
