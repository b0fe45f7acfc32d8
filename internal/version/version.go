// Package version tells which build of csmskit is running: its version, its commit and the Go
// release that built it.
package version

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// version and commit are set at link time by a release build:
//
//	go build -ldflags "-X github.com/csmskit/csmskit/internal/version.version=v1.2.3
//	  -X github.com/csmskit/csmskit/internal/version.commit=0123456789ab" ./cmd/csmsmock
//
// Without them, the build info the go command stamps into every binary answers.
var version, commit string

// devel is the version of a build that knows none: the go command's own word for it.
const devel = "(devel)"

// commitLen is how much of a revision is shown: as much as a Go pseudo-version carries.
const commitLen = 12

// Version is this build's version: the release's, the module version `go install …@v1.2.3`
// records, or a pseudo-version made from the commit it was built from; else "(devel)".
func Version() string {
	info, _ := debug.ReadBuildInfo()
	return versionOf(version, info)
}

// Commit is the short revision this build was made from, or "unknown".
func Commit() string {
	info, _ := debug.ReadBuildInfo()
	return commitOf(commit, info)
}

// Go is the Go release that built this binary, such as go1.26.8.
func Go() string { return runtime.Version() }

// Line is the one-line answer to `name version`:
// "name v1.2.3 (commit 0123456789ab, go1.26.8, linux/amd64)".
func Line(name string) string {
	return fmt.Sprintf("%s %s (commit %s, %s, %s/%s)", name, Version(), Commit(), Go(), runtime.GOOS, runtime.GOARCH)
}

func versionOf(linked string, info *debug.BuildInfo) string {
	if linked != "" {
		return linked
	}
	if info == nil {
		return devel
	}
	// Since Go 1.24 a build inside a git checkout records a pseudo-version such as
	// v0.0.0-20261207101500-0123456789ab+dirty here, and `go install …@v1.2.3` the tag.
	if v := info.Main.Version; strings.HasPrefix(v, "v") {
		return v
	}
	vcs := vcsSettings(info)
	rev := vcs["vcs.revision"]
	if rev == "" {
		return devel
	}
	// A pseudo-version as the go command makes one: a time that sorts, then the commit.
	when := time.Time{}
	if t, err := time.Parse(time.RFC3339, vcs["vcs.time"]); err == nil {
		when = t
	}
	v := "v0.0.0-" + when.UTC().Format("20060102150405") + "-" + short(rev)
	if vcs["vcs.modified"] == "true" {
		v += "+dirty"
	}
	return v
}

// pseudoRev finds the commit at the end of a pseudo-version (before any +build suffix).
var pseudoRev = regexp.MustCompile(`\d{14}-([0-9a-f]{12})(\+.*)?$`)

func commitOf(linked string, info *debug.BuildInfo) string {
	if linked != "" {
		return short(linked)
	}
	if info == nil {
		return "unknown"
	}
	if rev := vcsSettings(info)["vcs.revision"]; rev != "" {
		return short(rev)
	}
	// `go install …@<pseudo-version>` records no vcs settings, but the version names the commit.
	if m := pseudoRev.FindStringSubmatch(info.Main.Version); m != nil {
		return m[1]
	}
	return "unknown"
}

func vcsSettings(info *debug.BuildInfo) map[string]string {
	m := make(map[string]string)
	for _, s := range info.Settings {
		if strings.HasPrefix(s.Key, "vcs.") {
			m[s.Key] = s.Value
		}
	}
	return m
}

func short(rev string) string {
	if len(rev) > commitLen {
		return rev[:commitLen]
	}
	return rev
}
