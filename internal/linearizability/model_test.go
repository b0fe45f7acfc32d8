package linearizability

import (
	"math"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// call is one call of a hand-made history: what was asked, what came back, and when.
type call struct {
	in       Input
	out      Output
	from, to int64
}

// inOrder gives calls one after another, none overlapping.
func inOrder(calls ...call) []call {
	for i := range calls {
		calls[i].from, calls[i].to = int64(10*i), int64(10*i+5)
	}
	return calls
}

func check(t *testing.T, calls []call) porcupine.CheckResult {
	t.Helper()
	ops := make([]porcupine.Operation, len(calls))
	for i, c := range calls {
		ops[i] = porcupine.Operation{ClientId: i, Input: c.in, Call: c.from, Output: c.out, Return: c.to}
	}
	return porcupine.CheckOperationsTimeout(Model, ops, 10*time.Second)
}

const name = "db"

func in(k Kind, args ...string) Input {
	i := Input{Kind: k, Name: name}
	switch k {
	case Create, AddVersion, Describe:
		i.Value = args[0]
	case ShowVersion:
		i.Version = args[0]
	case MoveStage:
		i.Stage, i.Version = args[0], args[1]
	case Restore:
		i.Blob, _ = strconv.Atoi(args[0])
	}
	return i
}

var (
	done       = Output{Status: 200}
	enabled    = Output{Status: 200, State: "ENABLED"}
	notFound   = Output{Status: 404, Code: codeNotFound}
	isPending  = Output{Status: 400, Code: codePending}
	badRequest = Output{Status: 400, Code: "CSMS.0003"}
	lost       = Output{Note: "timeout"}
)

func added(v string) Output { return Output{Status: 200, Version: v, Stages: StageCurrent} }
func read(v, value, stages string) Output {
	return Output{Status: 200, Version: v, Value: value, Stages: stages}
}

// lifeOfASecret is a whole life as the contract describes it, one call after another.
func lifeOfASecret() []call {
	return inOrder(
		call{in: in(ShowSecret), out: notFound},
		call{in: in(Create, "a"), out: enabled},
		call{in: in(Create, "b"), out: badRequest}, // the name exists
		call{in: in(AddVersion, "b"), out: added("v2")},
		call{in: in(ShowVersion, "v1"), out: read("v1", "a", StagePrevious)},
		call{in: in(ShowVersion, "latest"), out: read("v2", "b", StageCurrent)},
		call{in: in(MoveStage, StageLabel, "v1"), out: Output{Status: 200, Version: "v1"}},
		call{in: in(ShowVersion, "v1"), out: read("v1", "a", "LINEAR,SYSPREVIOUS")},
		call{in: in(MoveStage, StageCurrent, "v1"), out: Output{Status: 200, Version: "v1"}},
		call{in: in(ShowVersion, "v2"), out: read("v2", "b", StagePrevious)},
		call{in: in(ShowVersion, "latest"), out: read("v1", "a", "LINEAR,SYSCURRENT")},
		call{in: in(ShowVersion, "v3"), out: badRequest},
		call{in: in(Describe, "d"), out: Output{Status: 200, State: "ENABLED", Value: "d"}},
		call{in: in(Backup), out: Output{Status: 200, Blob: 1}},
		call{in: in(ScheduleDeletion), out: Output{Status: 200, State: "PENDING_DELETE", Value: "d"}},
		call{in: in(ShowSecret), out: Output{Status: 200, State: "PENDING_DELETE", Value: "d"}},
		call{in: in(ShowVersion, "latest"), out: isPending},
		call{in: in(Backup), out: isPending},
		call{in: in(AddVersion, "c"), out: isPending},
		call{in: in(Describe, "e"), out: isPending},
		call{in: in(Create, "c"), out: badRequest},
		call{in: in(ScheduleDeletion), out: Output{Status: 400, Code: "CSMS.0107"}},
		call{in: in(CancelDeletion), out: Output{Status: 200, State: "ENABLED", Value: "d"}},
		call{in: in(CancelDeletion), out: Output{Status: 400, Code: "CSMS.0108"}},
		call{in: in(Restore, "1"), out: badRequest}, // the name exists
		call{in: in(Delete), out: done},
		call{in: in(ShowVersion, "latest"), out: Output{Status: 400, Code: codeNotFound}},
		call{in: in(Delete), out: notFound},
		call{in: in(Restore, "1"), out: Output{Status: 200, State: "ENABLED", Value: "d"}},
		call{in: in(ShowVersion, "latest"), out: read("v1", "a", "LINEAR,SYSCURRENT")},
		call{in: in(ShowSecret), out: Output{Status: 200, State: "ENABLED", Value: "d"}},
		call{in: in(AddVersion, "f"), out: added("v3")},
		call{in: in(ShowVersion, "v1"), out: read("v1", "a", "LINEAR,SYSPREVIOUS")},
		call{in: in(Delete), out: done},
		call{in: in(Create, "g"), out: enabled},
		call{in: in(ShowVersion, "latest"), out: read("v1", "g", StageCurrent)},
	)
}

func TestModelFollowsTheContract(t *testing.T) {
	if res := check(t, lifeOfASecret()); res != porcupine.Ok {
		t.Fatalf("the life of a secret as the contract describes it: %s", res)
	}
}

// Each single wrong answer in the life of a secret is a violation.
func TestModelRefusesWrongAnswers(t *testing.T) {
	for _, tc := range []struct {
		what string
		i    int
		out  Output
	}{
		{"a second create succeeds", 2, enabled},
		{"the new version is not v2", 3, added("v3")},
		{"the former current version is not SYSPREVIOUS", 4, read("v1", "a", "")},
		{"latest reads the former version", 5, read("v1", "a", StagePrevious)},
		{"a value is not the one written", 5, read("v2", "a", StageCurrent)},
		{"a stage does not move", 10, read("v2", "b", StageCurrent)},
		{"a version that was never made is read", 11, read("v3", "x", "")},
		{"the description is lost", 15, Output{Status: 200, State: "PENDING_DELETE"}},
		{"a secret pending deletion gives its value", 16, read("v1", "a", "LINEAR,SYSCURRENT")},
		{"a secret pending deletion is backed up", 17, Output{Status: 200, Blob: 2}},
		{"a restore replaces an existing secret", 24, enabled},
		{"a restore loses the description", 28, enabled},
		{"a cancelled deletion loses the description", 22, enabled},
		{"a deleted secret is read", 26, read("v1", "a", "LINEAR,SYSCURRENT")},
		{"a restore brings back something else", 29, read("v2", "b", StageCurrent)},
		{"a restored secret numbers versions anew", 31, added("v2")},
		{"a secret created again keeps old versions", 35, read("v3", "f", StageCurrent)},
	} {
		calls := lifeOfASecret()
		calls[tc.i].out = tc.out
		if res := check(t, calls); res != porcupine.Illegal {
			t.Errorf("%s (call %d, %s): %s, want a violation", tc.what, tc.i, tc.out, res)
		}
	}
}

func (o Output) String() string { return describeCall(Input{}, o) }

// A read overlapping a write may see it or not; a read that starts after the write returned
// must see it.
func TestModelStaleReads(t *testing.T) {
	create := call{in: in(Create, "a"), out: enabled, from: 0, to: 5}
	write := call{in: in(AddVersion, "b"), out: added("v2"), from: 10, to: 20}
	old := read("v1", "a", StageCurrent)
	if res := check(t, []call{create, write, {in: in(ShowVersion, "latest"), out: old, from: 15, to: 25}}); res != porcupine.Ok {
		t.Errorf("an overlapping read of the former version: %s", res)
	}
	if res := check(t, []call{create, write, {in: in(ShowVersion, "latest"), out: old, from: 21, to: 25}}); res != porcupine.Illegal {
		t.Errorf("a read of the former version after the write returned: %s, want a violation", res)
	}
}

// A write whose outcome is unknown may have taken effect, at any time after it was called, or
// not at all; but once a read saw it, no later read may miss it.
func TestModelUnknownOutcomes(t *testing.T) {
	create := call{in: in(Create, "a"), out: enabled, from: 0, to: 5}
	write := call{in: in(AddVersion, "b"), out: lost, from: 10, to: math.MaxInt64}
	newer := call{in: in(ShowVersion, "latest"), out: read("v2", "b", StageCurrent), from: 30, to: 35}
	older := call{in: in(ShowVersion, "latest"), out: read("v1", "a", StageCurrent), from: 40, to: 45}
	if res := check(t, []call{create, write, newer}); res != porcupine.Ok {
		t.Errorf("a lost write that took effect: %s", res)
	}
	older.from, older.to = 20, 25
	if res := check(t, []call{create, write, older}); res != porcupine.Ok {
		t.Errorf("a lost write that did not take effect: %s", res)
	}
	older.from, older.to = 40, 45
	if res := check(t, []call{create, write, newer, older}); res != porcupine.Illegal {
		t.Errorf("a lost write seen, then missed: %s, want a violation", res)
	}
}

// The 21st version retires the oldest version that carries no stage.
func TestModelRetiresTheOldestVersionWithoutAStage(t *testing.T) {
	calls := []call{{in: in(Create, "x1"), out: enabled}, {in: in(MoveStage, StageLabel, "v1"), out: Output{Status: 200, Version: "v1"}}}
	for n := 2; n <= 21; n++ {
		calls = append(calls, call{in: in(AddVersion, "x"+strconv.Itoa(n)), out: added(versionID(n))})
	}
	calls = append(calls,
		call{in: in(ShowVersion, "v1"), out: read("v1", "x1", StageLabel)},
		call{in: in(ShowVersion, "v2"), out: badRequest},
		call{in: in(ShowVersion, "v3"), out: read("v3", "x3", "")})
	if res := check(t, inOrder(calls...)); res != porcupine.Ok {
		t.Errorf("21 versions: %s", res)
	}
}

// Names are checked apart, and a violation on one is found among calls on others.
func TestModelPartitionsByName(t *testing.T) {
	calls := lifeOfASecret()
	for _, c := range lifeOfASecret() {
		c.in.Name = "other"
		c.from, c.to = c.from+3, c.to+3 // overlapping the first name's calls
		calls = append(calls, c)
	}
	if res := check(t, calls); res != porcupine.Ok {
		t.Fatalf("two names' lives interleaved: %s", res)
	}
	calls[len(calls)-1].out = read("v1", "a", StageCurrent)
	if res := check(t, calls); res != porcupine.Illegal {
		t.Fatalf("a wrong read on one of two names: %s, want a violation", res)
	}
}

// A violation is written out as porcupine's page.
func TestHistoryVisualizesAViolation(t *testing.T) {
	h := NewHistory()
	c := h.NewClient()
	h.Add(c, in(Create, "a"), h.Now(), enabled)
	h.Add(c, in(AddVersion, "b"), h.Now(), added("v2"))
	h.Add(c, in(ShowVersion, "latest"), h.Now(), read("v1", "a", StageCurrent))
	h.Add(c, in(ShowVersion, "latest"), h.Now(), lost) // a lost read is left out
	if h.Len() != 3 {
		t.Fatalf("%d calls recorded, want 3", h.Len())
	}
	res := h.Check(10 * time.Second)
	if res.CheckResult != porcupine.Illegal {
		t.Fatalf("a stale read: %s, want a violation", res.CheckResult)
	}
	path := filepath.Join(t.TempDir(), "violation.html")
	if err := res.Visualize(path); err != nil {
		t.Fatal(err)
	}
}
