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
}

// Counts are how a kind of call ended.
type Counts struct{ OK, Refused, Unknown int }

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
// effect. A read whose answer was lost says nothing and is not recorded.
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
		parts = append(parts, fmt.Sprintf("%s %d/%d/%d", k, c.OK, c.Refused, c.Unknown))
	}
	return "calls (ok/refused/unknown): " + strings.Join(parts, ", ")
}

// Result is the checker's verdict on a history.
type Result struct {
	porcupine.CheckResult
	// Took is how long the check took.
	Took time.Duration
	info porcupine.LinearizationInfo
}

// Check asks porcupine whether the history is linearizable under Model, giving up after
// timeout (the verdict is then porcupine.Unknown).
func (h *History) Check(timeout time.Duration) Result {
	h.mu.Lock()
	ops := slices.Clone(h.ops)
	h.mu.Unlock()
	began := time.Now()
	res, info := porcupine.CheckOperationsVerbose(Model, ops, timeout)
	return Result{CheckResult: res, Took: time.Since(began), info: info}
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
