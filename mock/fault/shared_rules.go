package fault

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/csmskit/csmskit/mock/store"
)

// Rules in a store: every mock sharing the store sees the same rules, and a rule's counters
// (and its random sequence) move in the store's transactions, so "every 3rd call" and "at most
// N times" count the calls made to all of them, exactly.
const (
	// rulesBucket holds one record per rule, keyed by its position so a scan is in order.
	rulesBucket = "faults/rules"
	// metaBucket holds the sequence behind positions and generated IDs.
	metaBucket = "faults/meta"
	seqKey     = "seq"
)

// NewSharedRules returns rules kept in st, counters included.
func NewSharedRules(st store.Store) *Rules { return &Rules{st: st} }

// record is a rule as the store keeps it.
type record struct {
	Rule     Rule   `json:"rule"`
	Calls    int    `json:"calls"`
	Injected int    `json:"injected"`
	RNG      []byte `json:"rng,omitempty"` // the PCG state of a probability rule
}

type keyed struct {
	key string
	rec record
}

// readAll returns the rules in order, their faults parsed.
func readAll(tx store.Tx) ([]keyed, error) {
	var out []keyed
	var decodeErr error
	err := tx.Scan(rulesBucket, "", func(k string, v []byte) bool {
		var rec record
		if decodeErr = json.Unmarshal(v, &rec); decodeErr != nil {
			return false
		}
		if rec.Rule.fault, decodeErr = Parse(rec.Rule.Fault); decodeErr != nil {
			return false
		}
		rec.Rule.calls, rec.Rule.injected = rec.Calls, rec.Injected
		out = append(out, keyed{k, rec})
		return true
	})
	if err != nil {
		return nil, err
	}
	if decodeErr != nil {
		return nil, fmt.Errorf("fault rules in the store: %w", decodeErr)
	}
	return out, nil
}

func put(tx store.Tx, k keyed) error {
	k.rec.Calls, k.rec.Injected = k.rec.Rule.calls, k.rec.Rule.injected
	raw, err := json.Marshal(k.rec)
	if err != nil {
		return err
	}
	return tx.Put(rulesBucket, k.key, raw)
}

func (s *Rules) sharedAdd(r Rule, ensure bool) (Rule, error) {
	var out Rule
	err := s.st.Update(func(tx store.Tx) error {
		all, err := readAll(tx)
		if err != nil {
			return err
		}
		for _, k := range all {
			if k.rec.Rule.ID == r.ID && r.ID != "" {
				if ensure {
					out = k.rec.Rule.public()
					return nil
				}
				return fmt.Errorf("%w: %q", ErrExists, r.ID)
			}
		}
		if len(all) >= maxRules {
			return fmt.Errorf("at most %d rules", maxRules)
		}
		raw, _, err := tx.Get(metaBucket, seqKey)
		if err != nil {
			return err
		}
		seq, _ := strconv.Atoi(string(raw))
		seq++
		if err := tx.Put(metaBucket, seqKey, []byte(strconv.Itoa(seq))); err != nil {
			return err
		}
		rule := r
		if rule.ID == "" {
			rule.ID = "rule-" + strconv.Itoa(seq)
		}
		rec := record{Rule: rule.public()}
		if rule.Probability > 0 {
			if rec.RNG, err = newPCG(rule.Seed).MarshalBinary(); err != nil {
				return err
			}
		}
		out = rec.Rule
		return put(tx, keyed{fmt.Sprintf("%012d", seq), rec})
	})
	return out, err
}

func (s *Rules) sharedRemove(id string) (bool, error) {
	found := false
	err := s.st.Update(func(tx store.Tx) error {
		found = false
		all, err := readAll(tx)
		if err != nil {
			return err
		}
		for _, k := range all {
			if k.rec.Rule.ID == id {
				found = true
				return tx.Delete(rulesBucket, k.key)
			}
		}
		return nil
	})
	return found, err
}

func (s *Rules) sharedList() ([]RuleState, error) {
	var all []keyed
	err := s.st.View(func(tx store.Tx) (err error) {
		all, err = readAll(tx)
		return err
	})
	out := make([]RuleState, len(all))
	for i, k := range all {
		out[i] = RuleState{Rule: k.rec.Rule.public(), Calls: k.rec.Calls, Injected: k.rec.Injected}
	}
	return out, err
}

func (s *Rules) sharedMatch(operation, secret string) (Fault, string, bool, error) {
	// Most calls meet no rule that applies: a read tells, and no write is needed.
	applies := false
	err := s.st.View(func(tx store.Tx) error {
		all, err := readAll(tx)
		for _, k := range all {
			applies = applies || k.rec.Rule.applies(operation, secret)
		}
		return err
	})
	if err != nil || !applies {
		return Fault{}, "", false, err
	}
	var (
		fired bool
		f     Fault
		id    string
	)
	err = s.st.Update(func(tx store.Tx) error {
		fired, f, id = false, Fault{}, "" // the transaction may run again
		all, err := readAll(tx)
		if err != nil {
			return err
		}
		for _, k := range all {
			r := &k.rec.Rule
			if !r.applies(operation, secret) {
				continue
			}
			var pcg *rand.PCG
			if r.Probability > 0 {
				pcg = newPCG(r.Seed)
				if err := pcg.UnmarshalBinary(k.rec.RNG); err != nil {
					return fmt.Errorf("fault rule %q: random state: %w", r.ID, err)
				}
				r.rng = rand.New(pcg)
			}
			fired = r.count()
			if pcg != nil {
				if k.rec.RNG, err = pcg.MarshalBinary(); err != nil {
					return err
				}
			}
			if err := put(tx, k); err != nil {
				return err
			}
			if fired {
				f, id = r.fault, r.ID
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return Fault{}, "", false, err
	}
	return f, id, fired, nil
}
