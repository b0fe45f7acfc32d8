package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/bench/internal/wrk"
	"github.com/csmskit/csmskit/mock"
)

type server struct {
	name, bin string
	args      []string
	isMock    bool
}

// measured is one run of wrk against a server, with the server's CPU time per request.
type measured struct {
	wrk.Result
	cpu time.Duration
}

type measurement struct {
	mock, floor measured // the runs of median throughput
	ratios      []float64
}

// measure runs the operation's rounds of floor, mock, floor.
func measure(op operation, servers []server, o options, dir string) (measurement, error) {
	floor, mck := servers[0], servers[1]
	var m measurement
	var floors, mocks []measured
	for range o.rounds {
		order := []server{floor, mck, floor}
		if o.oneFloor {
			order = order[:2]
		}
		var round []measured
		for _, s := range order {
			r, err := s.measure(op, o, dir)
			if err != nil {
				return m, fmt.Errorf("%s: %w", s.name, err)
			}
			round = append(round, r)
			if s.isMock {
				mocks = append(mocks, r)
			} else {
				floors = append(floors, r)
			}
		}
		floorMean := round[0].Throughput
		if len(round) == 3 {
			floorMean = (round[0].Throughput + round[2].Throughput) / 2
		}
		m.ratios = append(m.ratios, round[1].Throughput/floorMean)
	}
	m.floor, m.mock = medianRun(floors), medianRun(mocks)
	return m, nil
}

func medianRun(rs []measured) measured {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b measured) int { return cmp.Compare(a.Throughput, b.Throughput) })
	return s[len(s)/2]
}

// measure starts the server afresh, gives it the operation's secrets, warms it up with reads
// of one of them, and runs the operation once. Every run starts from the same state, which
// the paired writes need: their pools are where the seeding left them.
func (s server) measure(op operation, o options, dir string) (measured, error) {
	p, err := harness.Start(s.bin, 30*time.Second, s.args...)
	if err != nil {
		return measured{}, err
	}
	defer p.Stop()
	c := &client{base: p.URL, http: &http.Client{Timeout: 30 * time.Second}}
	wo := o.wrk
	if op.paired {
		wo.Threads = wo.Connections
	}
	seeded, err := op.seed(c, wo.Threads)
	if err != nil {
		return measured{}, fmt.Errorf("seed: %w", err)
	}
	script := filepath.Join(dir, s.name+"-"+op.name+".lua")
	if err := os.WriteFile(script, []byte(luaScript(op.step, seeded)), 0o600); err != nil {
		return measured{}, err
	}
	if o.warmup > 0 {
		warm := filepath.Join(dir, s.name+"-warmup.lua")
		if err := os.WriteFile(warm, []byte(luaScript(warmupStep, seeded)), 0o600); err != nil {
			return measured{}, err
		}
		if _, err := wrk.Run(wo, warm, p.URL, o.warmup); err != nil {
			return measured{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	r, cpu, err := harness.Measure(p, func() (wrk.Result, error) { return wrk.Run(wo, script, p.URL, o.duration) })
	if err != nil {
		return measured{}, err
	}
	if r.Non2xx > 0 || r.SocketErrors > 0 {
		return measured{}, fmt.Errorf("%d answers not 2xx, %d socket errors of %d requests", r.Non2xx, r.SocketErrors, r.Requests)
	}
	if s.isMock {
		n, err := harness.Violations(p.URL)
		if err != nil {
			return measured{}, err
		}
		if n > 0 {
			return measured{}, fmt.Errorf("%d contract violations recorded", n)
		}
	}
	return measured{Result: r, cpu: cpu}, nil
}

// client calls a server while seeding it, with the bench credential (the floor ignores it).
type client struct {
	base string
	http *http.Client
}

// call sends one request and returns the answer's body, failing unless it is a 2xx.
func (c *client) call(method, path, body string) ([]byte, error) {
	data, _, err := c.send(method, path, body)
	return data, err
}

// token obtains a token of the user from IAM (the floor's stand-in for it answers the user's
// ID).
func (c *client) token(user, password string) (string, error) {
	_, h, err := c.send("POST", "/v3/auth/tokens", fmt.Sprintf(
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"project":{"id":%q}}}}`,
		user, password, mock.DemoDomain, opsProject))
	if err != nil {
		return "", err
	}
	token := h.Get("X-Subject-Token")
	if token == "" {
		return "", fmt.Errorf("no token for %s", user)
	}
	return token, nil
}

func (c *client) send(method, path, body string) ([]byte, http.Header, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewBufferString(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("X-Auth-Token", harness.Token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, nil, err
	}
	if res.StatusCode/100 != 2 {
		return nil, nil, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	return data, res.Header, nil
}
