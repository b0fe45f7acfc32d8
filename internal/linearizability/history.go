package linearizability

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// History records calls as they are made, from any number of goroutines.
type History struct {
	start time.Time

	mu      sync.Mutex
	ops     []porcupine.Operation
	clients int
	counts  map[Kind]*Counts
	events  []porcupine.Annotation
}

// Counts are how a kind of call ended.
type Counts struct{ OK, Refused, Unknown, NotDelivered int }

// NewHistory starts an empty history; its clock starts now.
func NewHistory() *History { return &History{start: time.Now(), counts: map[Kind]*Counts{}} }

// Now is the time on the history's clock (monotonic, in nanoseconds).
func (h *History) Now() int64 { return int64(time.Since(h.start)) }

// NewClient returns the number of a new client, for the visualisation's rows.
func (h *History) NewClient() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clients++
	return h.clients - 1
}

// Add records a call that client invoked at call (History.Now) and that returned out just
// now. A call whose outcome is unknown never returns (its return time is infinite): the checker
// may place it anywhere after its invocation, at the end too, which is as if it never took
// effect. A read whose answer was lost says nothing and is not recorded, nor is a call that
// reached no server.
func (h *History) Add(client int, in Input, call int64, out Output) {
	ret := h.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.counts[in.Kind]
	if c == nil {
		c = &Counts{}
		h.counts[in.Kind] = c
	}
	switch {
	case out.NotDelivered:
		c.NotDelivered++
		return
	case out.Unknown():
		c.Unknown++
		if in.Kind.readOnly() {
			return
		}
		ret = math.MaxInt64
	case out.Status == 200:
		c.OK++
	default:
		c.Refused++
	}
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret})
}

// Event notes something that happened from start to end (History.Now), such as a fault, for
// the visualisation.
func (h *History) Event(what string, start, end int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, porcupine.Annotation{Tag: "faults", Start: start, End: end, Description: what})
}

// Len is how many calls the history holds.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.ops)
}

// Summary says how many calls of each kind ended how.
func (h *History) Summary() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	kinds := make([]Kind, 0, len(h.counts))
	for k := range h.counts {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	var parts []string
	for _, k := range kinds {
		c := h.counts[k]
		parts = append(parts, fmt.Sprintf("%s %d/%d/%d/%d", k, c.OK, c.Refused, c.Unknown, c.NotDelivered))
	}
	return "calls (ok/refused/unknown/not delivered): " + strings.Join(parts, ", ")
}

// Result is the checker's verdict on a history.
type Result struct {
	porcupine.CheckResult
	// Took is how long the check took.
	Took time.Duration
	ops  []porcupine.Operation
	info porcupine.LinearizationInfo
}

// Check asks porcupine whether the history is linearizable under Model, giving up after
// timeout (the verdict is then porcupine.Unknown).
func (h *History) Check(timeout time.Duration) Result {
	h.mu.Lock()
	ops, events := forgetUnusedBackups(h.ops), slices.Clone(h.events)
	h.mu.Unlock()
	began := time.Now()
	res, info := porcupine.CheckOperationsVerbose(Model, ops, timeout)
	info.AddAnnotations(events)
	return Result{CheckResult: res, Took: time.Since(began), ops: ops, info: info}
}

// forgetUnusedBackups returns the calls with the blob numbers of the backups that no restore
// uploads taken out, so that the model keeps no copy of them: copies that differ with the
// order the checker tries would keep apart states that are otherwise the same.
func forgetUnusedBackups(ops []porcupine.Operation) []porcupine.Operation {
	used := map[int]bool{}
	for _, op := range ops {
		if in := op.Input.(Input); in.Kind == Restore {
			used[in.Blob] = true
		}
	}
	out := slices.Clone(ops)
	for i, op := range out {
		if o := op.Output.(Output); o.Blob > 0 && !used[o.Blob] {
			o.Blob = 0
			out[i].Output = o
		}
	}
	return out
}

// Explain says, for each name whose calls no order justifies, how far the longest order got
// and which call none could take next: of the calls left out, the first to return.
func (r Result) Explain() []string {
	var out []string
	partials := r.info.PartialLinearizationsOperations()
	for i, calls := range Model.Partition(r.ops) {
		longest := []porcupine.Operation{}
		for _, p := range partials[i] {
			if len(p) > len(longest) {
				longest = p
			}
		}
		if len(longest) == len(calls) {
			continue
		}
		var st any = Model.Init()
		for _, op := range longest {
			_, st = Model.Step(st, op.Input, op.Output)
		}
		in := func(op porcupine.Operation) bool {
			return slices.ContainsFunc(longest, func(l porcupine.Operation) bool {
				return l.Call == op.Call && l.ClientId == op.ClientId
			})
		}
		var stuck *porcupine.Operation
		for j, op := range calls {
			if !in(op) && (stuck == nil || op.Return < stuck.Return) {
				stuck = &calls[j]
			}
		}
		out = append(out, fmt.Sprintf("%s: %d of %d calls ordered, leaving %s; no order takes next %s",
			calls[0].Input.(Input).Name, len(longest), len(calls), Model.DescribeState(st),
			Model.DescribeOperation(stuck.Input, stuck.Output)))
	}
	return out
}

// Visualize writes porcupine's visualisation of the checked history, an HTML page, to path:
// each name's calls on a time line and the longest orders the checker could justify, with the
// call that none of them could take next.
func (r Result) Visualize(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return porcupine.VisualizePath(Model, r.info, path)
}
