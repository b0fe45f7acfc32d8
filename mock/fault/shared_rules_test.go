package fault_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/csmskit/csmskit/internal/pgtest"
	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/store"
)

var sharedTestRules = []fault.Rule{
	{ID: "third", Operation: "op", Every: 3, Fault: "status=502"},
	{ID: "twice", Secret: "s", Times: 2, Fault: "status=504"},
	{ID: "coin", Probability: 0.4, Seed: 7, Fault: "status=500"},
}

// fired runs a fixed sequence of calls and returns which rule fired on each.
func fired(t *testing.T, r *fault.Rules) []string {
	t.Helper()
	var out []string
	for i := range 60 {
		op, secret := "op", "x"
		if i%4 == 1 {
			op, secret = "other", "s"
		}
		_, id, ok, err := r.Match(op, secret)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			id = "-"
		}
		out = append(out, id)
	}
	return out
}

// Rules in a store fire exactly as rules in memory do, the seeded ones included.
func TestSharedRulesFireAsInMemory(t *testing.T) {
	var mem fault.Rules
	for _, r := range sharedTestRules {
		if _, err := mem.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	want := fired(t, &mem)
	stores := map[string]store.Store{"memory": store.NewMemory()}
	if base := pgtest.Available(t); base != "" {
		p, err := store.OpenPostgres(context.Background(), pgtest.NewSchema(t, base), store.PostgresOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		stores["postgres"] = p
	}
	for name, st := range stores {
		t.Run(name, func(t *testing.T) {
			shared := fault.NewSharedRules(st)
			for _, r := range sharedTestRules {
				if _, err := shared.Add(r); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := shared.Add(sharedTestRules[0]); !errors.Is(err, fault.ErrExists) {
				t.Errorf("a duplicate ID: %v", err)
			}
			if _, err := shared.Ensure(sharedTestRules[0]); err != nil {
				t.Errorf("Ensure of an existing rule: %v", err)
			}
			if got := fired(t, shared); !slices.Equal(got, want) {
				t.Errorf("shared rules fired\n%v\nin memory\n%v", got, want)
			}
			memList, _ := mem.List()
			list, err := shared.List()
			if err != nil || !slices.Equal(list, memList) {
				t.Errorf("List = %+v %v, want %+v", list, err, memList)
			}
			if ok, err := shared.Remove("twice"); !ok || err != nil {
				t.Errorf("Remove = %v %v", ok, err)
			}
			added, _ := shared.Add(fault.Rule{Fault: "reset"})
			if err := shared.Clear(); err != nil {
				t.Fatal(err)
			}
			if list, _ := shared.List(); len(list) != 0 || added.ID == "" {
				t.Errorf("after Clear: %v (added %q)", list, added.ID)
			}
		})
	}
}

// Three mocks' rules on one database count their calls together: every 3rd of 90 calls fires
// (30 times) and a rule limited to 4 fires 4 times, however the calls are spread.
func TestSharedRulesCountAcrossReplicas(t *testing.T) {
	url := pgtest.URL(t)
	var reps []*fault.Rules
	for range 3 {
		p, err := store.OpenPostgres(context.Background(), url, store.PostgresOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		reps = append(reps, fault.NewSharedRules(p))
	}
	if _, err := reps[0].Add(fault.Rule{ID: "limited", Secret: "s", Times: 4, Fault: "status=504"}); err != nil {
		t.Fatal(err)
	}
	if _, err := reps[1].Add(fault.Rule{ID: "third", Operation: "op", Every: 3, Fault: "status=502"}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	count := map[string]int{}
	var wg sync.WaitGroup
	for w := range 9 {
		r := reps[w%3]
		wg.Go(func() {
			for range 10 {
				for _, call := range [][2]string{{"op", "x"}, {"other", "s"}} {
					_, id, ok, err := r.Match(call[0], call[1])
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						count[id]++
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	if count["third"] != 30 || count["limited"] != 4 {
		t.Errorf("fired %v, want third 30 times and limited 4", count)
	}
	list, _ := reps[2].List()
	for _, r := range list {
		if r.ID == "third" && (r.Calls != 90 || r.Injected != 30) {
			t.Errorf("third counted %d calls, %d injections; want 90, 30", r.Calls, r.Injected)
		}
	}
}
