// Command csmsconform checks a CSMS endpoint, or without one csmskit's mock started in this
// process (with the mock's demo token and AK/SK both, unless credentials are given), against
// the contract: it runs the conformance suite, prints a summary, writes JSON, JUnit and HTML
// reports, and exits 1 when a must-level check fails (or, with -strict, a should-level one).
//
// Settings come from CSMS_* environment variables, overridden by flags; see -help and
// conformance/README.md. -list prints every check (-list -json as JSON) with its level,
// labels and the operations it exercises, and runs nothing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/csmskit/csmskit/conformance"
	"github.com/csmskit/csmskit/internal/version"
)

// Exit codes.
const (
	exitPass  = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the settings, runs the suite and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg := conformance.NewConfig()
	cfg.ReportDir = "reports" // a command writes its reports unless told otherwise
	if err := cfg.ApplyEnv(getenv); err != nil {
		fmt.Fprintln(stderr, "csmsconform:", err)
		return exitUsage
	}
	fs := flag.NewFlagSet("csmsconform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: csmsconform [flags]\n       csmsconform -list [-json]\n\nChecks a CSMS endpoint (or, without one, csmskit's mock) against the contract.\nEvery flag but -version, -list and -json has a CSMS_* environment variable; flags win.\n\nflags:")
		fs.PrintDefaults()
	}
	cfg.RegisterFlags(fs)
	showVersion := fs.Bool("version", false, "print the version, the commit and the Go release, and exit")
	list := fs.Bool("list", false, "print every check with its level, labels and operations, and exit without running any")
	asJSON := fs.Bool("json", false, "with -list, print the checks as a JSON array")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "csmsconform: unexpected arguments %q\n", fs.Args())
		return exitUsage
	}
	if *showVersion {
		fmt.Fprintln(stdout, version.Line("csmsconform"))
		return exitPass
	}
	if *asJSON && !*list {
		fmt.Fprintln(stderr, "csmsconform: -json goes with -list")
		return exitUsage
	}
	if *list {
		if err := printChecks(stdout, *asJSON); err != nil {
			fmt.Fprintln(stderr, "csmsconform:", err)
			return exitUsage
		}
		return exitPass
	}
	if cfg.Endpoint == "" {
		stop, err := useMock(&cfg)
		if err != nil {
			fmt.Fprintln(stderr, "csmsconform:", err)
			return exitUsage
		}
		defer stop()
	}
	res, err := conformance.Execute(ctx, cfg, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "csmsconform:", err)
		if res.Checks == nil {
			return exitUsage
		}
		return exitFail
	}
	if !res.Passed {
		return exitFail
	}
	return exitPass
}
