package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/conformance"
)

func noEnv(string) string { return "" }

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		code    int
		wantErr string
	}{
		{"help", []string{"-h"}, nil, exitPass, "CSMS_ENDPOINT"},
		{"an unknown flag", []string{"-nope"}, nil, exitUsage, "flag provided but not defined"},
		{"a stray argument", []string{"extra"}, nil, exitUsage, "unexpected arguments"},
		{"a malformed variable", nil, map[string]string{"CSMS_STRICT": "maybe"}, exitUsage, "CSMS_STRICT"},
		{"an endpoint without credentials", []string{"-endpoint", "https://csms.example.com", "-project-id", "p"}, nil, exitUsage, "credentials are required"},
		{"-json without -list", []string{"-json"}, nil, exitUsage, "-json goes with -list"},
		{"an unknown required profile", []string{"-require", "vaults"}, nil, exitUsage, `unknown profile "vaults"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr.String())
			}
		})
	}
}

func TestVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-version"}, noEnv, &stdout, &stderr); code != exitPass {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	if !regexp.MustCompile(`^csmsconform \S+ \(commit \S+, go\S+, \w+/\w+\)\n$`).MatchString(stdout.String()) {
		t.Errorf("-version printed %q", stdout.String())
	}
}

// -list -json prints every check, each with a level, a profile among its labels and the
// operations of the contract it exercises, and reaches no target.
func TestListJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	env := map[string]string{"CSMS_ENDPOINT": "http://127.0.0.1:1"} // nothing listens there
	if code := run(context.Background(), []string{"-list", "-json"}, func(k string) string { return env[k] }, &stdout, &stderr); code != exitPass {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
	}
	var checks []conformance.CheckInfo
	if err := json.Unmarshal(stdout.Bytes(), &checks); err != nil {
		t.Fatalf("-list -json printed no JSON array of checks: %v\n%s", err, stdout.String())
	}
	operations := map[string]bool{}
	profiles := map[string]bool{}
	for _, c := range checks {
		if c.Level != "must" && c.Level != "should" || !slices.Contains(c.Labels, c.Level) || !slices.Contains(c.Labels, c.Profile) {
			t.Errorf("%q: level %q, profile %q, labels %v", c.Text, c.Level, c.Profile, c.Labels)
		}
		profiles[c.Profile] = true
		for _, op := range c.Operations {
			operations[op] = true
		}
	}
	for _, p := range conformance.Profiles() {
		if !profiles[p] {
			t.Errorf("no check of the %s profile", p)
		}
	}
	// Every operation of the contract is exercised by some check.
	spec, err := os.ReadFile("../../openapi/csms.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`operationId: (\w+)`).FindAllStringSubmatch(string(spec), -1) {
		if !operations[m[1]] {
			t.Errorf("no check exercises %s", m[1])
		}
	}
	if len(operations) == 0 {
		t.Error("no check names an operation")
	}
}

// One full run per process (Ginkgo's rule): against the in-process mock, which passes.
func TestRunAgainstTheMock(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-report-dir", dir}, noEnv, &stdout, &stderr)
	if code != exitPass {
		t.Fatalf("exit code %d against the mock; stdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "(in-process)") || !strings.Contains(stdout.String(), "\nPASS") {
		t.Errorf("the summary does not say what was checked and that it passed:\n%s", stdout.String())
	}
	for _, f := range []string{"conformance.json", "junit.xml", "conformance.html"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("report %s missing or empty: %v", f, err)
		}
	}
}
