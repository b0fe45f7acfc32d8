package conformance

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// goList returns the packages `go list` prints for args. go test puts the go command that runs
// it first in PATH, so a failure here is a failure of the check, never a reason to skip it.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, exit.Stderr)
		}
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out))
}

// The library stands alone: it depends on no package of csmskit's mock (the command and the
// tests start the mock), and it reads blobs and error bodies with its own code.
func TestLibraryDependsOnNoMock(t *testing.T) {
	for _, dep := range goList(t, "-deps", ".") {
		if strings.HasPrefix(dep, "github.com/csmskit/csmskit/mock") {
			t.Errorf("the conformance package depends on %s", dep)
		}
	}
	// The openapi package is imported for the embedded spec alone: the answers are judged by
	// kin-openapi, never by the code the mock checks itself with.
	for _, imp := range goList(t, "-f", `{{join .Imports " "}}`, ".") {
		switch imp {
		case "github.com/csmskit/csmskit/openapi/apierror", "github.com/csmskit/csmskit/internal/jsonvalue":
			t.Errorf("the conformance package imports %s", imp)
		}
	}
}

// The independent server is written from the documents: it imports nothing of csmskit and
// nothing but the standard library and go-jose.
func TestIndependentServerImportsNoCsmskit(t *testing.T) {
	for _, dep := range goList(t, "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./internal/indie") {
		if dep != "github.com/csmskit/csmskit/conformance/internal/indie" && !strings.HasPrefix(dep, "github.com/go-jose/go-jose/") {
			t.Errorf("the independent server depends on %s", dep)
		}
	}
}
