// Command curve measures how backup latency grows with the size of a secret. It builds and
// starts the csmsmock binary on the loopback interface, creates one secret per point with 1 to
// -max versions of -size random characters each, backs each up -samples times one call at a
// time, taking the points in a new random order each round after three warm-up rounds, and
// prints the median and p90 latency per point with a least-squares line latency = a + b ×
// bytes, its R² and each point's distance from it. The curve is judged linear when R² ≥ 0.98.
// Answers are read into one reused buffer, so that this process's own garbage does not add
// collections to what it measures.
//
//	go run ./cmd/curve [-max 20] [-size 32768] [-samples 60] [-smoke] [-check]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
)

// r2Target is the least R² of a curve called linear.
const r2Target = 0.98

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "curve:", err)
		os.Exit(1)
	}
}

func run() error {
	maxVersions := flag.Int("max", 20, "versions of the largest secret (at most 20)")
	size := flag.Int("size", 32768, "characters per version (at most 32768)")
	samples := flag.Int("samples", 60, "backups measured per point")
	smoke := flag.Bool("smoke", false, "a quick run for CI: -samples 3 -max 4")
	check := flag.Bool("check", false, "exit 1 when the curve is not linear")
	flag.Parse()
	if *smoke {
		*samples, *maxVersions = 3, min(*maxVersions, 4)
	}
	if *maxVersions < 2 || *maxVersions > 20 || *size < 1 || *size > 32768 || *samples < 1 {
		return errors.New("2 ≤ -max ≤ 20, 1 ≤ -size ≤ 32768, -samples ≥ 1")
	}

	tmp, err := os.MkdirTemp("", "csmskit-curve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin, err := harness.Build(ctx, harness.MainModuleDir(), harness.MockPackage, tmp)
	if err != nil {
		return err
	}
	p, err := harness.Start(bin, 30*time.Second, "serve", "--addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer p.Stop()
	c := &client{base: p.URL + "/v1/" + mock.DemoProjectID + "/secrets", http: &http.Client{Timeout: time.Minute}}

	rng := rand.New(rand.NewPCG(3, 4))
	value := func() string {
		const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		b := make([]byte, *size)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}

	type point struct {
		versions   int
		bytes      int
		blob       int
		p50, p90   time.Duration
		fitted     float64
		deviations float64
	}
	// Create every secret first, then back them up round-robin, so that whatever else the
	// machine does at some moment slows every point alike rather than a few neighbours.
	points := make([]point, *maxVersions)
	names := make([]string, *maxVersions)
	for i := range points {
		n := i + 1
		names[i] = fmt.Sprintf("curve-%02d", n)
		if _, err := c.post(c.base, map[string]string{"name": names[i], "secret_string": value()}); err != nil {
			return err
		}
		for range n - 1 {
			if _, err := c.post(c.base+"/"+names[i]+"/versions", map[string]string{"secret_string": value()}); err != nil {
				return err
			}
		}
		points[i] = point{versions: n, bytes: n * *size}
	}
	lat := make([][]time.Duration, len(points))
	// Each round takes the points in a new random order, so that what recurs every few
	// backups (a garbage collection every 32 MiB allocated, a timer) falls on every size alike
	// instead of always on the same ones.
	order := make([]int, len(points))
	for i := range order {
		order[i] = i
	}
	shuffle := rand.New(rand.NewPCG(5, 6))
	for round := range *samples + 3 {
		shuffle.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		for _, i := range order {
			start := time.Now()
			body, err := c.post(c.base+"/"+names[i]+"/backup", nil)
			if err != nil {
				return err
			}
			if round >= 3 { // the first three rounds warm up
				lat[i] = append(lat[i], time.Since(start))
			}
			points[i].blob = len(body)
		}
	}
	for i := range points {
		l := lat[i]
		slices.Sort(l)
		points[i].p50, points[i].p90 = l[len(l)/2], l[min(len(l)-1, len(l)*9/10)]
	}
	hwm, _ := p.Status("VmHWM")

	// Least squares over the medians: latency = a + b × bytes.
	var sx, sy, sxx, sxy float64
	for _, pt := range points {
		x, y := float64(pt.bytes), float64(pt.p50)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	k := float64(len(points))
	b := (k*sxy - sx*sy) / (k*sxx - sx*sx)
	a := (sy - b*sx) / k
	var ssRes, ssTot float64
	mean := sy / k
	for i := range points {
		pt := &points[i]
		pt.fitted = a + b*float64(pt.bytes)
		ssRes += math.Pow(float64(pt.p50)-pt.fitted, 2)
		ssTot += math.Pow(float64(pt.p50)-mean, 2)
		pt.deviations = (float64(pt.p50) - pt.fitted) / pt.fitted
	}
	r2 := 1 - ssRes/ssTot

	fmt.Printf("## Backup latency by secret size (%d versions × %d characters at most)\n\n", *maxVersions, *size)
	fmt.Printf("Machine: %s. One call at a time over loopback to csmsmock, the points in a new random order each round, %d samples per point after 3 warm-up rounds; the mock's peak RSS was %s.\n\n",
		harness.Machine(), *samples, harness.MiB(hwm))
	fmt.Println("| versions | value bytes | blob characters | p50 | p90 | fit | p50 vs fit |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|---:|")
	for _, pt := range points {
		fmt.Printf("| %d | %d | %d | %s | %s | %s | %+.1f%% |\n", pt.versions, pt.bytes, pt.blob,
			harness.Ms(pt.p50), harness.Ms(pt.p90), harness.Ms(time.Duration(pt.fitted)), 100*pt.deviations)
	}
	perMiB := time.Duration(b * (1 << 20))
	fmt.Printf("\nFit: latency = %s + %s per MiB of versions; R² = %.4f (linear when ≥ %.2f: %s).\n",
		harness.Ms(time.Duration(a)), harness.Ms(perMiB), r2, r2Target, harness.Verdict(r2 >= r2Target))
	if *check && r2 < r2Target {
		return errors.New("the backup latency is not linear in the secret's size")
	}
	return nil
}

type client struct {
	base string
	http *http.Client
	buf  bytes.Buffer // the last answer's body
}

// post sends body (JSON, or none when nil) with the demo token and returns the answer's body,
// valid until the next call, failing unless it is 200.
func (c *client) post(url string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(http.MethodPost, url, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	// One buffer for every answer: a megabyte of fresh garbage per backup would make this
	// process's own collector run during the next calls and slow the reading of the largest
	// answers most, which bent the measured curve upwards.
	c.buf.Reset()
	if _, err := c.buf.ReadFrom(res.Body); err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST %s: status %d: %.300s", strings.TrimPrefix(url, c.base), res.StatusCode, c.buf.Bytes())
	}
	return c.buf.Bytes(), nil
}
