package linearizability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Workload is a number of clients calling random operations on a few secret names, each call
// at an endpoint picked at random, as a load balancer would.
type Workload struct {
	Client *Client
	// Endpoints returns the base URLs to spread the calls over; it is asked before each call.
	Endpoints func() []string
	Names     []string
	Clients   int
	Seed      uint64
	History   *History

	mu      sync.Mutex
	highest map[string]int           // the highest version number seen of each name
	alone   map[string]*sync.RWMutex // held to back up a name alone (see call)
}

// After a call that failed (its outcome unknown, or not delivered) a client waits, as a client
// backing off would: the first pause, doubled after each failure in a row up to the last. This
// also keeps down the calls whose outcome is unknown while a fault lasts, which the checker
// must try to place at every later point.
const (
	firstPause = 100 * time.Millisecond
	lastPause  = 1600 * time.Millisecond
)

// mix is how often each operation is called, relative to the others.
var mix = []struct {
	kind   Kind
	weight int
}{
	{Create, 10}, {AddVersion, 18}, {ShowVersion, 24}, {ShowSecret, 8}, {MoveStage, 8},
	{Describe, 8}, {Delete, 4}, {ScheduleDeletion, 5}, {CancelDeletion, 6}, {Backup, 6},
	{Restore, 6},
}

// Run runs the clients until ctx ends; calls in flight then are finished.
func (w *Workload) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range w.Clients {
		wg.Go(func() { w.client(ctx, i) })
	}
	wg.Wait()
}

func (w *Workload) client(ctx context.Context, i int) {
	rng := rand.New(rand.NewPCG(w.Seed, uint64(i)))
	id := w.History.NewClient()
	pause := firstPause
	for seq := 0; ctx.Err() == nil; seq++ {
		in := w.pick(rng, fmt.Sprintf("c%d-%d", i, seq))
		endpoints := w.Endpoints()
		out := w.call(context.WithoutCancel(ctx), id, endpoints[rng.IntN(len(endpoints))], in)
		if !out.Unknown() {
			pause = firstPause
			continue
		}
		if !out.NotDelivered && !in.Kind.readOnly() {
			// The call never returns in the history, so the client goes on as a new one.
			id = w.History.NewClient()
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, lastPause)
	}
}

// call makes one call and records it.
//
// A backup runs alone on its name: it waits for the calls on the name in flight and holds
// back new ones until it returns. What a backup saw shows only when it is restored, maybe
// much later; had it run alongside other calls, the checker would learn only then in which
// order they took effect, and would have that far to go back to try another order.
func (w *Workload) call(ctx context.Context, client int, base string, in Input) Output {
	alone := w.lockOf(in.Name)
	if in.Kind == Backup {
		alone.Lock()
		defer alone.Unlock()
	} else {
		alone.RLock()
		defer alone.RUnlock()
	}
	call := w.History.Now()
	out := w.Client.Do(ctx, base, in)
	w.History.Add(client, in, call, out)
	if n := versionNumber(out.Version); n > 0 {
		w.mu.Lock()
		if w.highest == nil {
			w.highest = map[string]int{}
		}
		w.highest[in.Name] = max(w.highest[in.Name], n)
		w.mu.Unlock()
	}
	return out
}

func (w *Workload) lockOf(name string) *sync.RWMutex {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.alone == nil {
		w.alone = map[string]*sync.RWMutex{}
	}
	l := w.alone[name]
	if l == nil {
		l = &sync.RWMutex{}
		w.alone[name] = l
	}
	return l
}

// someVersion is a version of name that was seen, or the one after the highest seen.
func (w *Workload) someVersion(rng *rand.Rand, name string) string {
	w.mu.Lock()
	n := w.highest[name]
	w.mu.Unlock()
	return versionID(1 + rng.IntN(n+1))
}

// pick draws the next call; value is unique to it.
func (w *Workload) pick(rng *rand.Rand, value string) Input {
	total := 0
	for _, m := range mix {
		total += m.weight
	}
	r := rng.IntN(total)
	kind := mix[0].kind
	for _, m := range mix {
		if r < m.weight {
			kind = m.kind
			break
		}
		r -= m.weight
	}
	in := Input{Kind: kind, Name: w.Names[rng.IntN(len(w.Names))]}
	switch kind {
	case Create, AddVersion, Describe:
		in.Value = value
	case ShowVersion:
		in.Version = "latest"
		if rng.IntN(2) == 0 {
			in.Version = w.someVersion(rng, in.Name)
		}
	case MoveStage:
		in.Stage = StageCurrent
		if rng.IntN(2) == 0 {
			in.Stage = StageLabel
		}
		in.Version = w.someVersion(rng, in.Name)
	case Restore:
		blobs := w.Client.blobsOf(in.Name)
		if len(blobs) == 0 {
			in.Kind = Backup
			break
		}
		in.Blob = blobs[rng.IntN(len(blobs))]
	}
	return in
}

// FinalReads reads every name at every endpoint, its metadata and each version seen, each
// call repeated until it has an answer or ctx ends; the reads go into the history, so the
// checker holds the final state to what the acknowledged calls left. It fails when some read
// had no answer.
func (w *Workload) FinalReads(ctx context.Context, endpoints []string) error {
	id := w.History.NewClient()
	for _, name := range w.Names {
		w.mu.Lock()
		highest := w.highest[name]
		w.mu.Unlock()
		reads := []Input{{Kind: ShowSecret, Name: name}, {Kind: ShowVersion, Name: name, Version: "latest"}}
		for n := 1; n <= highest; n++ {
			reads = append(reads, Input{Kind: ShowVersion, Name: name, Version: versionID(n)})
		}
		for _, base := range endpoints {
			for _, in := range reads {
				for w.call(ctx, id, base, in).Unknown() {
					select {
					case <-ctx.Done():
						return fmt.Errorf("%s %s at %s: no answer: %w", in.Kind, name, base, ctx.Err())
					case <-time.After(100 * time.Millisecond):
					}
				}
			}
		}
	}
	return nil
}
