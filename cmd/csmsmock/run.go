package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/csmskit/csmskit/internal/version"
)

const usage = `csmsmock — an offline Huawei Cloud CSMS secrets API for tests and laptops.

Usage:
  csmsmock serve [flags]    serve the mock (csmsmock serve -h lists the flags)
  csmsmock proxy [flags]    forward to a real endpoint, checking traffic against the contract
  csmsmock verify [flags]   exit non-zero when a mock or proxy recorded contract violations
  csmsmock health [flags]   exit 0 when the mock is ready: a container's health check
  csmsmock version          print the version, the commit and the Go release
  csmsmock help             show this text

Every serve flag may also come from CSMSMOCK_<FLAG> (csmsmock serve -h); the admin token of
proxy and verify from CSMSMOCK_ADMIN_TOKEN.

With no flags, serve listens on 127.0.0.1:8080 with an in-memory store, a demo identity
and a demo secret, and prints a curl command that backs the secret up.
`

// errUsage marks a command line that is wrong; run prints the usage with it.
var errUsage = errors.New("usage")

// run is the whole program, apart from the process: arguments and environment in, output
// out, until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: name a command", errUsage)
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "proxy":
		return runProxy(ctx, args[1:], getenv, stdout, stderr)
	case "verify":
		return verify(ctx, args[1:], getenv, stdout, stderr)
	case "health":
		return health(ctx, args[1:], getenv, stdout, stderr)
	case "version", "-version", "--version":
		if len(args) > 1 {
			return fmt.Errorf("%w: version takes no arguments", errUsage)
		}
		fmt.Fprintln(stdout, version.Line("csmsmock"))
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
}

// parseFlags parses into fs, printing its defaults for -h and treating -h as success.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (helped bool, err error) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	return false, nil
}

// adminTokenEnv may hold the admin token, so that it stays off command lines.
const adminTokenEnv = "CSMSMOCK_ADMIN_TOKEN"
