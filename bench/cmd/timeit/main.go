// Command timeit runs a command several times and prints its wall-clock time: each run, and
// the median, against an optional bound. The benchmark uses it to time `make conformance`
// against the in-process mock.
//
//	timeit [-n 3] [-max 5s] [-name NAME] [-check] -- COMMAND [ARG…]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/csmskit/csmskit/bench/internal/harness"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "timeit:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 3, "runs")
	bound := flag.Duration("max", 0, "the target for the median (0: none)")
	name := flag.String("name", "", "what is timed, for the report (default: the command)")
	check := flag.Bool("check", false, "exit 1 when the median exceeds -max")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 || *n < 1 {
		return errors.New("usage: timeit [-n N] [-max D] [-name NAME] [-check] -- COMMAND [ARG…]")
	}
	if *name == "" {
		*name = strings.Join(args, " ")
	}
	var times []time.Duration
	for range *n {
		cmd := exec.Command(args[0], args[1:]...)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		d := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", *name, err, out.String())
		}
		times = append(times, d)
	}
	runs := make([]string, len(times))
	for i, d := range times {
		runs[i] = harness.Ms(d)
	}
	slices.Sort(times)
	median := times[len(times)/2]
	fmt.Printf("- `%s`: median %s of %d runs (%s)", *name, harness.Ms(median), *n, strings.Join(runs, ", "))
	if *bound > 0 {
		fmt.Printf("; target ≤ %s: %s", harness.Ms(*bound), harness.Verdict(median <= *bound))
	}
	fmt.Println()
	if *check && *bound > 0 && median > *bound {
		return fmt.Errorf("%s took %s, more than %s", *name, median, *bound)
	}
	return nil
}
