package version

import (
	"regexp"
	"runtime/debug"
	"testing"
)

func buildInfo(mainVersion string, settings ...string) *debug.BuildInfo {
	info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/csmskit/csmskit", Version: mainVersion}}
	for i := 0; i+1 < len(settings); i += 2 {
		info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return info
}

const rev = "0123456789abcdef0123456789abcdef01234567"

func TestVersionAndCommit(t *testing.T) {
	tests := []struct {
		name        string
		linked      string
		linkedRev   string
		info        *debug.BuildInfo
		wantVersion string
		wantCommit  string
	}{
		{"no build info", "", "", nil, "(devel)", "unknown"},
		{"the linker's version wins", "v1.2.3", "", buildInfo("v0.9.0", "vcs.revision", rev), "v1.2.3", "0123456789ab"},
		{"the linker's commit wins", "v1.2.3", "fedcba9876543210", buildInfo("(devel)", "vcs.revision", rev), "v1.2.3", "fedcba987654"},
		{"go install of a tag", "", "", buildInfo("v0.4.0"), "v0.4.0", "unknown"},
		{"go install of a commit", "", "", buildInfo("v0.4.1-0.20261207101500-0123456789ab"), "v0.4.1-0.20261207101500-0123456789ab", "0123456789ab"},
		{"go build in a checkout (Go 1.24+)", "", "", buildInfo("v0.0.0-20261207101500-0123456789ab+dirty",
			"vcs", "git", "vcs.revision", rev, "vcs.time", "2026-12-07T10:15:00Z", "vcs.modified", "true"),
			"v0.0.0-20261207101500-0123456789ab+dirty", "0123456789ab"},
		{"only vcs settings, clean", "", "", buildInfo("(devel)",
			"vcs.revision", rev, "vcs.time", "2026-12-07T11:15:00+01:00", "vcs.modified", "false"),
			"v0.0.0-20261207101500-0123456789ab", "0123456789ab"},
		{"only vcs settings, modified", "", "", buildInfo("(devel)",
			"vcs.revision", rev, "vcs.time", "2026-12-07T10:15:00Z", "vcs.modified", "true"),
			"v0.0.0-20261207101500-0123456789ab+dirty", "0123456789ab"},
		{"a revision without a time", "", "", buildInfo("(devel)", "vcs.revision", rev),
			"v0.0.0-00010101000000-0123456789ab", "0123456789ab"},
		{"nothing to go by", "", "", buildInfo("(devel)", "-trimpath", "true"), "(devel)", "unknown"},
		{"an empty main version", "", "", buildInfo(""), "(devel)", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(tt.linked, tt.info); got != tt.wantVersion {
				t.Errorf("version %q, want %q", got, tt.wantVersion)
			}
			if got := commitOf(tt.linkedRev, tt.info); got != tt.wantCommit {
				t.Errorf("commit %q, want %q", got, tt.wantCommit)
			}
		})
	}
}

func TestLine(t *testing.T) {
	got := Line("csmsmock")
	if !regexp.MustCompile(`^csmsmock \S+ \(commit \S+, go\S+, \w+/\w+\)$`).MatchString(got) {
		t.Errorf("Line = %q", got)
	}
}
