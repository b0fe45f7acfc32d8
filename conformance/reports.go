package conformance

import (
	_ "embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// Report file names under Config.ReportDir.
const (
	ReportJSON  = "conformance.json"
	ReportJUnit = "junit.xml"
	ReportHTML  = "conformance.html"
)

// writeReports writes Ginkgo's JSON and JUnit reports and the single-file HTML report into
// dir and returns their paths. Everything in them passed through the redactor when it was
// recorded.
func (s *suite) writeReports(dir string, res Result) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	jsonPath := filepath.Join(dir, ReportJSON)
	if err := reporters.GenerateJSONReport(s.report, jsonPath); err != nil {
		return written, fmt.Errorf("%s: %w", jsonPath, err)
	}
	written = append(written, jsonPath)
	junitPath := filepath.Join(dir, ReportJUnit)
	err := reporters.GenerateJUnitReportWithConfig(s.report, junitPath, reporters.JunitReportConfig{
		// Passed specs keep theirs: a should-level finding is in it.
		OmitTimelinesForSpecState: types.SpecStateSkipped | types.SpecStatePending,
		OmitLeafNodeType:          true,
	})
	if err != nil {
		return written, fmt.Errorf("%s: %w", junitPath, err)
	}
	written = append(written, junitPath)
	htmlPath := filepath.Join(dir, ReportHTML)
	if err := writeHTML(htmlPath, res); err != nil {
		return written, fmt.Errorf("%s: %w", htmlPath, err)
	}
	return append(written, htmlPath), nil
}

//go:embed report.html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"count": func(r Result, level string, o Outcome) int { return r.count(level, o) },
	"round": func(d time.Duration) time.Duration { return d.Round(time.Millisecond) },
}).Parse(htmlTemplateText))

// htmlReport is what the HTML template renders.
type htmlReport struct {
	Result
	Generated string
	Verdict   string
	Levels    []string
	Outcomes  []Outcome
}

// writeHTML renders res as one self-contained HTML file.
func writeHTML(path string, res Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = htmlTemplate.Execute(f, htmlReport{
		Result:    res,
		Generated: time.Now().UTC().Format(time.RFC3339),
		Verdict:   res.verdict(),
		Levels:    []string{levelMust, levelShould},
		Outcomes:  []Outcome{OutcomePassed, OutcomeFailed, OutcomeFinding, OutcomeSkipped, OutcomeNotSupported, OutcomeNotSelected},
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
