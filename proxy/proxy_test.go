package proxy_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/proxy"
	"github.com/csmskit/csmskit/recording"
)

const base = "/v1/" + mock.DemoProjectID + "/secrets"

type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// startProxy puts a proxy in front of upstream, its configuration edited by edit, and returns
// its URL, its recorder and its log.
func startProxy(t *testing.T, upstream *httptest.Server, edit ...func(*proxy.Config)) (string, *recording.Recorder, *logBuffer) {
	t.Helper()
	u, _ := url.Parse(upstream.URL)
	rec := recording.NewRecorder(0, 0)
	logs := &logBuffer{}
	cfg := proxy.Config{Upstream: u, Recorder: rec, InsecureSkipVerify: true,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))}
	for _, e := range edit {
		e(&cfg)
	}
	p, err := proxy.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	return ts.URL, rec, logs
}

func call(t *testing.T, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data
}

func mockUpstream(t *testing.T, tls bool) *httptest.Server {
	t.Helper()
	srv, err := mock.New(mock.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	if tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts
}

func TestProxyPassesAConformingUpstream(t *testing.T) {
	for _, tls := range []bool{false, true} {
		url, rec, logs := startProxy(t, mockUpstream(t, tls))
		status, body := call(t, "POST", url+base+"/"+mock.DemoSecretName+"/backup", mock.DemoToken, "")
		if status != 200 || !strings.Contains(string(body), "secret_blob") {
			t.Fatalf("tls=%v: backup through the proxy: %d %s", tls, status, body)
		}
		var blob struct {
			SecretBlob string `json:"secret_blob"`
		}
		_ = json.Unmarshal(body, &blob)
		call(t, "DELETE", url+base+"/"+mock.DemoSecretName, mock.DemoToken, "")
		if status, body := call(t, "POST", url+base+"/restore", mock.DemoToken, `{"secret_blob":"`+blob.SecretBlob+`"}`); status != 200 {
			t.Fatalf("restore through the proxy: %d %s", status, body)
		}
		if v, _ := rec.Violations.Snapshot(); len(v) != 0 {
			t.Errorf("tls=%v: violations for a conforming upstream: %+v", tls, v)
		}
		entries, _ := rec.Requests.Snapshot()
		if len(entries) != 3 || entries[0].Operation != "DownloadSecretBlob" || entries[0].RequestID == "" {
			t.Errorf("journal: %+v", entries)
		}
		stored, _ := json.Marshal(entries)
		for name, text := range map[string]string{"journal": string(stored), "log": logs.String()} {
			for _, secret := range []string{mock.DemoToken, blob.SecretBlob[40:80]} {
				if strings.Contains(text, secret) {
					t.Errorf("the %s holds a credential or a blob", name)
				}
			}
		}
	}
}

func TestProxyFlagsANonConformingUpstream(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/backup"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"blob":"not the documented field"}`))
		default:
			http.Error(w, "boom", http.StatusTeapot)
		}
	}))
	t.Cleanup(broken.Close)
	url, rec, _ := startProxy(t, broken)
	call(t, "POST", url+base+"/x/backup", mock.DemoToken, "")
	call(t, "GET", url+base+"/x", mock.DemoToken, "")
	violations, _ := rec.Violations.Snapshot()
	if len(violations) != 2 {
		t.Fatalf("%d violations, want 2: %+v", len(violations), violations)
	}
	for i, want := range []string{"secret_blob", "418"} {
		if v := violations[i]; v.Kind != recording.KindResponse || !strings.Contains(v.Reason, want) {
			t.Errorf("violation %d = %+v, want a response violation about %s", i, v, want)
		}
	}
}

// An upstream whose backups break the blob's documented format: each defect is one response
// violation, and a well-formed blob none.
func TestProxyFlagsEachBlobDefect(t *testing.T) {
	const prefix = ")CloudSecretManagementBackupV1.com"
	const jwe = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2Iiwia2lkIjoiayJ9.Q3RyT2NGTVNlVw.VtA6Sg--jeA1QavYxY9z7Q.TXI2ZEx5b250bw.Xyey0XhnaYdB609N7MiQKQ"
	for _, tt := range []struct {
		name, blob string
		violation  bool
	}{
		{"no prefix", jwe, true},
		{"a wrong prefix", ")CloudSecretManagementBackupV2.com" + jwe, true},
		{"four segments", prefix + jwe[:strings.LastIndexByte(jwe, '.')], true},
		{"a segment with characters outside base64url", prefix + strings.Replace(jwe, "Q3RyT2NGTVNlVw", "Q3Ry+2NG/VNlVw", 1), true},
		{"an empty blob", "", true},
		{"a well-formed blob", prefix + jwe, false},
	} {
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]string{"secret_blob": tt.blob})
		}))
		url, rec, logs := startProxy(t, broken)
		if status, _ := call(t, "POST", url+base+"/db-password/backup", mock.DemoToken, ""); status != 200 {
			t.Errorf("%s: status %d", tt.name, status)
		}
		broken.Close()
		violations, _ := rec.Violations.Snapshot()
		switch {
		case !tt.violation && len(violations) != 0:
			t.Errorf("%s: violations %+v", tt.name, violations)
		case tt.violation && (len(violations) != 1 || violations[0].Kind != recording.KindResponse || !strings.Contains(violations[0].Reason, "secret_blob")):
			t.Errorf("%s: violations %+v, want one response violation about secret_blob", tt.name, violations)
		}
		if n := strings.Count(logs.String(), `"msg":"contract violation"`); n != len(violations) {
			t.Errorf("%s: %d violations logged, %d recorded", tt.name, n, len(violations))
		}
		if len(tt.blob) > 40 && strings.Contains(logs.String(), tt.blob[len(tt.blob)-30:]) {
			t.Errorf("%s: the log holds the blob", tt.name)
		}
	}
}

func TestProxyFlagsAnInvalidRequestAndStillForwardsIt(t *testing.T) {
	var reached bool
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = w.Write([]byte(`{"error_code":"CSMS.0002","error_msg":"The value of parameter is invalid."}`))
	}))
	t.Cleanup(upstream.Close)
	url, rec, _ := startProxy(t, upstream)
	if status, _ := call(t, "POST", url+base+"/bad.name/backup", mock.DemoToken, ""); status != 400 || !reached {
		t.Fatalf("status %d, reached upstream %v", status, reached)
	}
	violations, _ := rec.Violations.Snapshot()
	if len(violations) != 1 || violations[0].Kind != recording.KindRequest || !strings.Contains(violations[0].Reason, "secret_name") {
		t.Errorf("violations = %+v", violations)
	}
}

func TestProxyUnreachableUpstream(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	url, _, _ := startProxy(t, dead)
	status, body := call(t, "POST", url+base+"/x/backup", mock.DemoToken, "")
	if status != 502 || !strings.Contains(string(body), "APIGW.0202") {
		t.Errorf("dead upstream: %d %s", status, body)
	}
}

func TestProxyNeedsAnUpstream(t *testing.T) {
	for _, u := range []string{"", "csms.example.com", "https://"} {
		parsed, _ := url.Parse(u)
		if _, err := proxy.New(proxy.Config{Upstream: parsed}); err == nil {
			t.Errorf("upstream %q accepted", u)
		}
	}
}
