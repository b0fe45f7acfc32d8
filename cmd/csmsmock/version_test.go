package main

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/internal/version"
)

func TestVersionCommand(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		var out strings.Builder
		if err := run(context.Background(), []string{arg}, noEnv, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		if !regexp.MustCompile(`^csmsmock \S+ \(commit \S+, go\S+, \w+/\w+\)\n$`).MatchString(out.String()) {
			t.Errorf("%s printed %q", arg, out.String())
		}
	}
	if err := run(context.Background(), []string{"version", "extra"}, noEnv, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("version extra: %v, want a usage error", err)
	}
}

// The banner starts with the version line, so a log of the mock says which build served.
func TestServeBannerNamesTheVersion(t *testing.T) {
	s := start(t)
	if first, _, _ := strings.Cut(s.banner, "\n"); first != version.Line("csmsmock") {
		t.Errorf("the banner starts with %q, want the version line %q", first, version.Line("csmsmock"))
	}
}
