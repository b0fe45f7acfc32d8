package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
)

// paced runs floor then mock at a constant rate (token backups) and returns each one's
// latencies. wrk cannot hold a rate, so a constant-rate client (vegeta, 32 connections) does:
// at half the floor's throughput the client's own cost matters little.
func paced(ctx context.Context, servers map[string]server, rate float64, o options) (floor, mck result, err error) {
	for _, name := range []string{"floor", "mock"} {
		if err := ctx.Err(); err != nil {
			return result{}, result{}, err
		}
		r, err := servers[name].pacedRun(rate, o)
		if err != nil {
			return result{}, result{}, err
		}
		if name == "floor" {
			floor = r
		} else {
			mck = r
		}
	}
	return floor, mck, nil
}

func (s server) pacedRun(rate float64, o options) (result, error) {
	p, err := harness.Start(s.bin, 30*time.Second, s.args...)
	if err != nil {
		return result{}, err
	}
	defer p.Stop()
	url := p.URL + backupPath
	header := http.Header{"X-Auth-Token": {mock.DemoToken}, "Content-Type": {"application/json"}}
	target := func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = http.MethodPost, url, header
		return nil
	}
	attacker := func() *vegeta.Attacker {
		return vegeta.NewAttacker(
			vegeta.Workers(uint64(o.connections)), vegeta.MaxWorkers(uint64(o.connections)),
			vegeta.Connections(o.connections), vegeta.MaxConnections(o.connections),
			vegeta.KeepAlive(true), vegeta.HTTP2(false), vegeta.Timeout(30*time.Second),
		)
	}
	pace := vegeta.Rate{Freq: int(rate), Per: time.Second}
	for range attacker().Attack(target, pace, o.warmup+time.Millisecond, "warmup") {
	}
	var latencies []time.Duration
	var r result
	for res := range attacker().Attack(target, pace, o.duration, "paced") {
		r.Requests++
		if res.Code != http.StatusOK {
			r.Non2xx++
			if r.Non2xx == 1 {
				r.firstError = res.Error
			}
			continue
		}
		latencies = append(latencies, res.Latency)
	}
	if r.Non2xx > 0 {
		return r, fmt.Errorf("%s paced: %d of %d requests failed, the first: %s", s.name, r.Non2xx, r.Requests, r.firstError)
	}
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		r.P50, r.P99 = latencies[n/2], latencies[min(n-1, n*99/100)]
	}
	return r, nil
}
