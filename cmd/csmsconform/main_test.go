package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
