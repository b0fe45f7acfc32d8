package fault

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
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

// MaxRules bounds the rules a mock holds.
const MaxRules = 256

// Rules is a concurrency-safe, ordered set of rules; the first that fires wins.
type Rules struct {
	mu     sync.Mutex
	rules  []*Rule
	nextID int
}

// Add checks r and adds it, returning it as stored (with its ID).
func (s *Rules) Add(r Rule) (Rule, error) {
	f, err := Parse(r.Fault)
	if err != nil {
		return Rule{}, fmt.Errorf("fault: %w", err)
	}
	switch {
	case r.Every < 0 || r.Times < 0:
		return Rule{}, errors.New("every and times are not negative")
	case r.Probability < 0 || r.Probability > 1:
		return Rule{}, errors.New("probability is from 0 to 1")
	case r.Every > 0 && r.Probability > 0:
		return Rule{}, errors.New("give every or probability, not both")
	}
	if r.Every == 0 && r.Probability == 0 {
		r.Every = 1
	}
	r.fault, r.calls, r.injected = f, 0, 0
	r.rng = rand.New(rand.NewPCG(r.Seed, r.Seed^0x9e3779b97f4a7c15))
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rules) >= MaxRules {
		return Rule{}, fmt.Errorf("at most %d rules", MaxRules)
	}
	if r.ID == "" {
		s.nextID++
		r.ID = "rule-" + strconv.Itoa(s.nextID)
	}
	if slices.ContainsFunc(s.rules, func(o *Rule) bool { return o.ID == r.ID }) {
		return Rule{}, fmt.Errorf("a rule %q exists", r.ID)
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
func (s *Rules) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.rules)
	s.rules = slices.DeleteFunc(s.rules, func(r *Rule) bool { return r.ID == id })
	return len(s.rules) < n
}

// Clear removes every rule.
func (s *Rules) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// RuleState is a rule with its counters.
type RuleState struct {
	Rule
	Calls    int `json:"calls"`
	Injected int `json:"injected"`
}

// List returns the rules in order with their counters.
func (s *Rules) List() []RuleState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RuleState, len(s.rules))
	for i, r := range s.rules {
		out[i] = RuleState{Rule: r.public(), Calls: r.calls, Injected: r.injected}
	}
	return out
}

// Match counts a call to operation on secret and returns the fault of the first rule that
// fires. Counting happens under one lock, so a rule's sequence is the same whatever the
// concurrency.
func (s *Rules) Match(operation, secret string) (Fault, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rules {
		if r.Operation != "" && r.Operation != operation || r.Secret != "" && r.Secret != secret {
			continue
		}
		if r.Times > 0 && r.injected >= r.Times {
			continue
		}
		r.calls++
		fire := false
		if r.Probability > 0 {
			fire = r.rng.Float64() < r.Probability
		} else {
			fire = r.calls%r.Every == 0
		}
		if fire {
			r.injected++
			return r.fault, r.ID, true
		}
	}
	return Fault{}, "", false
}
