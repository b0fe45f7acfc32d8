package conformance

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The checker never shares the checked code: the suite reads blobs and error bodies with its
// own readers, and imports the mock only to start it (target.go).
func TestSuiteSharesNoCodeWithTheMock(t *testing.T) {
	const module = "github.com/csmskit/csmskit/"
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := filepath.Glob("../cmd/csmsconform/*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, cmd...)
	if len(files) < 10 {
		t.Fatalf("found only %d Go files; is the test running in conformance/?", len(files))
	}
	for _, file := range files {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case path == module+"openapi/apierror", strings.HasPrefix(path, module+"mock/"):
				t.Errorf("%s imports %s: the suite must read blobs and errors with its own code", file, path)
			case path == module+"mock" && file != "target.go" && !strings.HasSuffix(file, "_test.go"):
				t.Errorf("%s imports the mock; only target.go may, to start it", file)
			}
		}
	}
}
