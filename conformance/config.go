package conformance

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// Defaults of the settings that have one.
const (
	// DefaultRequestTimeout bounds one request, from dialling to the last byte of the body.
	DefaultRequestTimeout = 30 * time.Second
	// DefaultTimeout bounds a whole run.
	DefaultTimeout = 10 * time.Minute
	// DefaultMaxResponseBytes bounds a response body the suite reads: the largest documented
	// body, a 5,242,880-character blob in its JSON envelope.
	DefaultMaxResponseBytes = maxBlobChars + 64<<10
)

// Config says which target the suite checks and how. NewConfig returns the defaults; the zero
// value is not ready to use.
type Config struct {
	// Endpoint is the target's base URL, e.g. https://kms.cn-north-4.myhuaweicloud.com
	// (CSMS_ENDPOINT).
	Endpoint string
	// Handler, used when Endpoint is empty, is a target in the caller's process: the suite
	// serves it on a loopback listener for the run (cmd/csmsconform puts csmskit's mock here).
	Handler http.Handler
	// ProjectID is the project the credentials are scoped to (CSMS_PROJECT_ID).
	ProjectID string
	// AuthToken is an IAM token sent as X-Auth-Token (CSMS_AUTH_TOKEN).
	AuthToken string
	// AK and SK sign requests with SDK-HMAC-SHA256 (CSMS_AK, CSMS_SK). With AuthToken too,
	// every authentication check runs for each way in and every other check signs with AK/SK.
	AK, SK string
	// SecretName names an existing secret to back up (CSMS_SECRET_NAME). Empty makes the suite
	// create its own through CreateSecret; everything the suite creates it deletes at the end.
	SecretName string
	// SecretValue is SecretName's current value, for the check that the blob does not reveal
	// it (CSMS_SECRET_VALUE). Without it that check is skipped for a given SecretName.
	SecretValue string
	// InsecureSkipVerify accepts any TLS certificate from the target
	// (CSMS_INSECURE_SKIP_VERIFY); for test endpoints with self-signed certificates only.
	InsecureSkipVerify bool
	// Strict fails the run on should-level findings too (CSMS_STRICT). Without it they are
	// reported but do not fail the run.
	Strict bool
	// RequestTimeout bounds each request (CSMS_REQUEST_TIMEOUT, a Go duration); default
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Timeout bounds the whole run (CSMS_TIMEOUT, a Go duration); default DefaultTimeout.
	Timeout time.Duration
	// MaxResponseBytes bounds each response body the suite reads; default
	// DefaultMaxResponseBytes. A longer body is a failure of the check that reads it.
	MaxResponseBytes int64
	// ReportDir, if set, receives conformance.json (Ginkgo's JSON report), junit.xml and
	// conformance.html (CSMS_REPORT_DIR). Empty writes no files.
	ReportDir string
	// LabelFilter selects checks by label, e.g. "must && blob" (CSMS_LABEL_FILTER), in
	// Ginkgo's label-filter syntax. Empty runs every check.
	LabelFilter string
	// Focus selects checks whose text matches this regular expression (CSMS_FOCUS).
	Focus string
	// Verbose prints every check as it runs, with its traffic (CSMS_VERBOSE).
	Verbose bool
	// Require names the profiles the target must support (CSMS_REQUIRE, comma-separated):
	// a check of one of them whose operation the target lacks fails the run; in any other
	// profile it is reported as not supported. Default DefaultRequire.
	Require []string
}

// NewConfig returns the defaults: every check, no report files; the target is still to set.
func NewConfig() Config {
	return Config{
		RequestTimeout:   DefaultRequestTimeout,
		Timeout:          DefaultTimeout,
		MaxResponseBytes: DefaultMaxResponseBytes,
		Require:          slices.Clone(DefaultRequire),
	}
}

// ConfigFromEnv returns NewConfig with the CSMS_* environment variables applied.
func ConfigFromEnv() (Config, error) {
	cfg := NewConfig()
	err := cfg.ApplyEnv(os.Getenv)
	return cfg, err
}

// Environment variables, each named after the Config field it sets.
const (
	EnvEndpoint           = "CSMS_ENDPOINT"
	EnvProjectID          = "CSMS_PROJECT_ID"
	EnvAuthToken          = "CSMS_AUTH_TOKEN"
	EnvAK                 = "CSMS_AK"
	EnvSK                 = "CSMS_SK"
	EnvSecretName         = "CSMS_SECRET_NAME"
	EnvSecretValue        = "CSMS_SECRET_VALUE"
	EnvInsecureSkipVerify = "CSMS_INSECURE_SKIP_VERIFY"
	EnvStrict             = "CSMS_STRICT"
	EnvRequestTimeout     = "CSMS_REQUEST_TIMEOUT"
	EnvTimeout            = "CSMS_TIMEOUT"
	EnvReportDir          = "CSMS_REPORT_DIR"
	EnvLabelFilter        = "CSMS_LABEL_FILTER"
	EnvFocus              = "CSMS_FOCUS"
	EnvVerbose            = "CSMS_VERBOSE"
	EnvRequire            = "CSMS_REQUIRE"
)

// ApplyEnv sets each field whose environment variable getenv reports non-empty.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	for name, dst := range map[string]*string{
		EnvEndpoint: &c.Endpoint, EnvProjectID: &c.ProjectID, EnvAuthToken: &c.AuthToken,
		EnvAK: &c.AK, EnvSK: &c.SK, EnvSecretName: &c.SecretName, EnvSecretValue: &c.SecretValue,
		EnvReportDir: &c.ReportDir, EnvLabelFilter: &c.LabelFilter, EnvFocus: &c.Focus,
	} {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	var errs []error
	for name, dst := range map[string]*bool{
		EnvInsecureSkipVerify: &c.InsecureSkipVerify, EnvStrict: &c.Strict, EnvVerbose: &c.Verbose,
	} {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: want true or false", name, v))
			}
			*dst = b
		}
	}
	for name, dst := range map[string]*time.Duration{
		EnvRequestTimeout: &c.RequestTimeout, EnvTimeout: &c.Timeout,
	} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: want a duration such as 30s", name, v))
			}
			*dst = d
		}
	}
	if v := getenv(EnvRequire); v != "" {
		if err := c.setRequire(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", EnvRequire, v, err))
		}
	}
	return errors.Join(errs...)
}

// setRequire sets Require from a comma-separated list; "none" requires no profile.
func (c *Config) setRequire(v string) error {
	if strings.TrimSpace(v) == "none" {
		c.Require = []string{}
		return nil
	}
	ps, err := parseProfiles(v)
	if err != nil {
		return err
	}
	c.Require = ps
	return nil
}

// RegisterFlags binds a flag to each setting, with the field's current value as the default,
// so that flags given after ApplyEnv override the environment. The defaults of the
// credential flags are never printed.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Endpoint, "endpoint", c.Endpoint, "target base URL; csmsconform checks csmskit's mock in-process without one ("+EnvEndpoint+")")
	fs.StringVar(&c.ProjectID, "project-id", c.ProjectID, "project ID of the credentials ("+EnvProjectID+")")
	fs.Var((*hiddenString)(&c.AuthToken), "auth-token", "IAM `token` sent as X-Auth-Token; prefer the environment ("+EnvAuthToken+")")
	fs.StringVar(&c.AK, "ak", c.AK, "access key: sign requests with SDK-HMAC-SHA256 ("+EnvAK+")")
	fs.Var((*hiddenString)(&c.SK), "sk", "secret `key` for -ak; prefer the environment ("+EnvSK+")")
	fs.StringVar(&c.SecretName, "secret-name", c.SecretName, "existing secret to back up; empty creates one ("+EnvSecretName+")")
	fs.Var((*hiddenString)(&c.SecretValue), "secret-value", "current `value` of -secret-name, for the opacity check ("+EnvSecretValue+")")
	fs.BoolVar(&c.InsecureSkipVerify, "insecure-skip-verify", c.InsecureSkipVerify, "accept any TLS certificate ("+EnvInsecureSkipVerify+")")
	fs.BoolVar(&c.Strict, "strict", c.Strict, "fail on should-level findings too ("+EnvStrict+")")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", c.RequestTimeout, "bound on each request ("+EnvRequestTimeout+")")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "bound on the whole run ("+EnvTimeout+")")
	fs.StringVar(&c.ReportDir, "report-dir", c.ReportDir, "directory for conformance.json, junit.xml, conformance.html ("+EnvReportDir+")")
	fs.StringVar(&c.LabelFilter, "label-filter", c.LabelFilter, "run the checks matching this label filter, e.g. 'must && blob' ("+EnvLabelFilter+")")
	fs.StringVar(&c.Focus, "focus", c.Focus, "run the checks whose text matches this regular expression ("+EnvFocus+")")
	fs.BoolVar(&c.Verbose, "v", c.Verbose, "print every check and its traffic ("+EnvVerbose+")")
	fs.Var((*requireFlag)(c), "require", "comma-separated `profiles` the target must support, or none: "+
		strings.Join(Profiles(), ", ")+" ("+EnvRequire+")")
}

// requireFlag is the -require flag: Config.Require as a comma-separated list.
type requireFlag Config

func (r *requireFlag) String() string {
	if r == nil {
		return ""
	}
	return strings.Join(r.Require, ",")
}
func (r *requireFlag) Set(v string) error { return (*Config)(r).setRequire(v) }

// hiddenString is a string flag whose value -help never prints.
type hiddenString string

func (h *hiddenString) String() string     { return "" }
func (h *hiddenString) Set(v string) error { *h = hiddenString(v); return nil }

// Validate reports settings that cannot work together.
func (c Config) Validate() error {
	var errs []error
	if c.Endpoint == "" && c.Handler == nil {
		errs = append(errs, fmt.Errorf("an endpoint is required (%s)", EnvEndpoint))
	}
	if c.ProjectID == "" {
		errs = append(errs, fmt.Errorf("a project ID is required (%s)", EnvProjectID))
	}
	if c.AuthToken == "" && c.AK == "" {
		errs = append(errs, fmt.Errorf("credentials are required: %s, or %s and %s, or all three", EnvAuthToken, EnvAK, EnvSK))
	}
	if c.Endpoint != "" {
		u, err := url.Parse(c.Endpoint)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("endpoint: %w", err))
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
			errs = append(errs, fmt.Errorf("endpoint %q: want http(s)://host[:port]", c.Endpoint))
		case u.RawQuery != "" || u.Fragment != "":
			errs = append(errs, fmt.Errorf("endpoint %q: a base URL has no query or fragment", c.Endpoint))
		}
	}
	if (c.AK == "") != (c.SK == "") {
		errs = append(errs, fmt.Errorf("%s and %s go together", EnvAK, EnvSK))
	}
	if c.SecretValue != "" && c.SecretName == "" {
		errs = append(errs, fmt.Errorf("%s is the value of %s, which is not set", EnvSecretValue, EnvSecretName))
	}
	if c.SecretName != "" && !secretNamePattern.MatchString(c.SecretName) {
		errs = append(errs, fmt.Errorf("secret name %q does not match %s", c.SecretName, secretNamePattern))
	}
	if c.RequestTimeout <= 0 || c.Timeout <= 0 {
		errs = append(errs, errors.New("timeouts must be positive"))
	}
	if c.MaxResponseBytes < DefaultMaxResponseBytes {
		errs = append(errs, fmt.Errorf("MaxResponseBytes must be at least %d, the largest documented body", DefaultMaxResponseBytes))
	}
	for _, p := range c.Require {
		if !slices.Contains(Profiles(), p) {
			errs = append(errs, fmt.Errorf("required profile %q: want some of %s", p, strings.Join(Profiles(), ", ")))
		}
	}
	if strings.TrimSpace(c.LabelFilter) != "" {
		if _, err := types.ParseLabelFilter(c.LabelFilter); err != nil {
			errs = append(errs, fmt.Errorf("label filter %q: %w", c.LabelFilter, err))
		}
	}
	return errors.Join(errs...)
}
