package fault_test

import (
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock/fault"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want fault.Fault
		ok   bool
	}{
		{"status=502", fault.Fault{Status: 502}, true},
		{"delay=200ms,status=504", fault.Fault{Delay: 200 * time.Millisecond, Status: 504}, true},
		{" reset ", fault.Fault{Reset: true}, true},
		{"delay=1s,reset", fault.Fault{Delay: time.Second, Reset: true}, true},
		{"malformed", fault.Fault{Malformed: true}, true},
		{"", fault.Fault{}, false},
		{"status=404", fault.Fault{}, false},
		{"status=abc", fault.Fault{}, false},
		{"delay=-1s", fault.Fault{}, false},
		{"delay=2m", fault.Fault{}, false},
		{"reset=1", fault.Fault{}, false},
		{"reset,status=500", fault.Fault{}, false},
		{"malformed,status=500", fault.Fault{}, false},
		{"boom", fault.Fault{}, false},
	}
	for _, tt := range tests {
		got, err := fault.Parse(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if again, err := fault.Parse(got.String()); err != nil || again != got {
				t.Errorf("String() %q does not parse back: %+v %v", got.String(), again, err)
			}
		}
	}
}

func TestRulesAreChecked(t *testing.T) {
	var rules fault.Rules
	for _, r := range []fault.Rule{
		{Fault: "status=418"},
		{Fault: "status=500", Every: -1},
		{Fault: "status=500", Probability: 1.5},
		{Fault: "status=500", Every: 2, Probability: 0.5},
	} {
		if _, err := rules.Add(r); err == nil {
			t.Errorf("rule %+v accepted", r)
		}
	}
	if _, err := rules.Add(fault.Rule{ID: "a", Fault: "status=500"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.Add(fault.Rule{ID: "a", Fault: "status=500"}); err == nil {
		t.Error("a duplicate ID was accepted")
	}
	for i := range fault.MaxRules {
		if _, err := rules.Add(fault.Rule{Fault: "status=500"}); err != nil && i < fault.MaxRules-1 {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	if list, _ := rules.List(); len(list) != fault.MaxRules {
		t.Errorf("%d rules held, want the bound %d", len(list), fault.MaxRules)
	}
}
