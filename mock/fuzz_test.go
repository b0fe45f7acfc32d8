// The fuzz targets of the handler chain with their shared oracle; one file, as the oracle
// (what any answer must satisfy) is the part every target uses.

package mock_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/blob"
	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/fixtures"
	"github.com/csmskit/csmskit/recording"
)

// The fuzz targets of the mock's HTTP handler chain. They run the mock in-process (the handler,
// not a listener: hostile_test.go drives a real one) so that the fuzzer reaches many inputs a
// second. Every mock here seals with the key of mock/blob's fuzz target (blob/testdata/
// fuzz-key.pem, which protects nothing) and runs on a fixed clock, so that the committed seeds
// (signed requests, a sealed blob) stay valid.
const (
	fuzzKeyFile    = "blob/testdata/fuzz-key.pem"
	fuzzAdminToken = "fuzz-admin-token-never-in-a-seed-7c1e"
	fuzzRootToken  = "MIIfuzz-root-token-all-projects-000000000"
	fuzzOtherToken = "MIIfuzz-other-project-token-00000000000"
	otherProject   = "ffeeddccbbaa99887766554433221100"
)

var fuzzClock = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// countExec counts a fuzz target's executions in this process and, with FUZZ_EXECS_FILE set,
// writes the count to FUZZ_EXECS_FILE.<pid> every 200 executions: go test -fuzz reports the
// executions of a worker only when the worker hands back its results, which under a heavy load
// lags far behind (TESTING.md records both numbers).
var fuzzExecs atomic.Int64

func countExec() {
	n := fuzzExecs.Add(1)
	if file := os.Getenv("FUZZ_EXECS_FILE"); file != "" && n%200 == 0 {
		_ = os.WriteFile(fmt.Sprintf("%s.%d", file, os.Getpid()), []byte(strconv.FormatInt(n, 10)+"\n"), 0o644)
	}
}

var fuzzKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(fuzzKeyFile)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(bytes.ReplaceAll(data, []byte("TESTING KEY"), []byte("PRIVATE KEY")))
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", fuzzKeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s holds a %T", fuzzKeyFile, k)
	}
	return rk, nil
})

// panicCounter is a slog handler that counts the mock's "handler panicked" records: a panic the
// recovery middleware turned into a 500 is a finding even when the answer looks fine.
type panicCounter struct{ n atomic.Int64 }

func (p *panicCounter) Enabled(context.Context, slog.Level) bool { return true }
func (p *panicCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "handler panicked" {
		p.n.Add(1)
	}
	return nil
}
func (p *panicCounter) WithAttrs([]slog.Attr) slog.Handler { return p }
func (p *panicCounter) WithGroup(string) slog.Handler      { return p }

// newFuzzMock returns a demo mock on the fuzz key and clock, its admin API guarded, with a
// root credential for every project.
func newFuzzMock(tb testing.TB, panics *panicCounter) *mock.Server {
	tb.Helper()
	key, err := fuzzKey()
	if err != nil {
		tb.Fatal(err)
	}
	cfg := mock.DefaultConfig()
	cfg.BackupKey = key
	cfg.Now = func() time.Time { return fuzzClock }
	cfg.AdminToken = fuzzAdminToken
	cfg.JournalSize, cfg.ViolationLogSize = 16, 16
	cfg.Logger = slog.New(panics)
	srv, err := mock.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	root := `credentials:
  - {name: fuzz-root, token: ` + fuzzRootToken + `, projects: ["*"]}
  - {name: fuzz-other, token: ` + fuzzOtherToken + `, projects: [` + otherProject + `]}
`
	if st, body := adminPost(srv, "/__admin/fixtures", root); st != http.StatusNoContent {
		tb.Fatalf("root credential: %d %s", st, body)
	}
	return srv
}

func adminPost(h http.Handler, p, body string) (int, []byte) {
	req := httptest.NewRequest(http.MethodPost, p, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fuzzAdminToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// serveRecovering serves req, reporting a deliberate abort (http.ErrAbortHandler, what the
// reset fault raises where it cannot hijack a connection) instead of panicking.
func serveRecovering(h http.Handler, w http.ResponseWriter, req *http.Request) (aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			aborted = true
		}
	}()
	h.ServeHTTP(w, req)
	return false
}

// FuzzHandler feeds raw HTTP/1.1 requests (method, target, headers and body: all fuzzed) through
// the whole handler chain: request ID, recovery, access log, admin guard, journal, contract
// validation, authentication, faults and the handlers. For every input:
//   - nothing panics, and the recovery middleware never has to catch a panic;
//   - the status is one the contract documents (500/502/504 and an abort only for an injected
//     fault), every answer has an X-Request-Id, and every failure is the vendor's JSON body;
//   - the mock's own check of its response against the contract finds nothing;
//   - no one gets in where they don't belong: a 2xx on /v1/ needs the demo token or a valid
//     demo AK/SK signature and the demo project, a 2xx on /__admin/ the admin token (never in
//     a seed), a 201 from IAM the demo user's password.
//
// Seeds: testdata/fuzz/FuzzHandler, written by TestHandlerFuzzCorpus -update.
func FuzzHandler(f *testing.F) {
	panics := &panicCounter{}
	srv := newFuzzMock(f, panics)
	f.Cleanup(func() { srv.Close() })
	var execs atomic.Int64
	f.Fuzz(func(t *testing.T, raw []byte) {
		countExec()
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return // the server would have refused it before the handler
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		if execs.Add(1)%500 == 0 {
			if err := srv.Reset(); err != nil { // bound the state the fuzzer piles up
				t.Fatal(err)
			}
		}
		req.Body = http.NoBody
		if len(body) > 0 {
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		req.RemoteAddr = "127.0.0.1:40000"
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond) // ends delay faults
		defer cancel()
		req = req.WithContext(ctx)
		signed := req.Clone(context.Background()) // as sent, for the access check
		signed.Body = io.NopCloser(bytes.NewReader(body))

		before := panics.n.Load()
		rec := httptest.NewRecorder()
		aborted := serveRecovering(srv, rec, req)
		if panics.n.Load() != before {
			t.Fatalf("the handler panicked (the recovery middleware answered %d)", rec.Code)
		}
		faulted := len(req.Header.Values(fault.Header)) > 0
		if aborted {
			if !faulted {
				t.Fatal("the handler aborted without a reset fault")
			}
			return
		}
		res := rec.Result()
		status := res.StatusCode
		id := res.Header.Get("X-Request-Id")
		if id == "" {
			t.Fatalf("%d without X-Request-Id", status)
		}
		switch status {
		case 200, 201, 204, 400, 401, 403, 404, 405:
		case 500, 502, 504:
			if !faulted {
				t.Fatalf("%d without an injected fault: %s", status, rec.Body.Bytes())
			}
		default:
			t.Fatalf("status %d is not documented: %.300s", status, rec.Body.Bytes())
		}
		if status >= 400 {
			checkVendorError(t, res, rec.Body.Bytes())
		}
		if status == 405 && res.Header.Get("Allow") == "" {
			t.Fatal("405 without Allow")
		}
		if !faulted {
			if v := responseViolation(srv, id); v != "" {
				t.Fatalf("the mock's answer breaks the contract: %s", v)
			}
		}
		if status/100 == 2 {
			if why := mayEnter(signed, body); why != "" {
				t.Fatalf("%d for %s %s: %s", status, req.Method, req.URL.Path, why)
			}
		}
	})
}

func checkVendorError(t *testing.T, res *http.Response, body []byte) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%d with Content-Type %q: %.300s", res.StatusCode, ct, body)
	}
	var e struct {
		Code *string `json:"error_code"`
		Msg  *string `json:"error_msg"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Code == nil || e.Msg == nil || *e.Code == "" || len(*e.Msg) < 2 {
		t.Fatalf("%d is not the vendor's error body: %.300s", res.StatusCode, body)
	}
}

// responseViolation returns what the mock recorded against its own answer to request id.
func responseViolation(srv *mock.Server, id string) string {
	vs, _ := srv.Violations()
	for _, v := range vs {
		if v.RequestID == id && v.Kind == recording.KindResponse {
			return v.Reason
		}
	}
	return ""
}

// mayEnter returns why a request that was answered 2xx should not have been, or "".
func mayEnter(req *http.Request, body []byte) string {
	p := req.URL.Path
	switch {
	case strings.HasPrefix(p, "/v1/"):
		project := strings.Split(p, "/")[2]
		token := req.Header.Get("X-Auth-Token")
		if (token == mock.DemoToken && project == mock.DemoProjectID) || token == fuzzRootToken ||
			(token == fuzzOtherToken && project == otherProject) {
			return ""
		}
		lookup := func(ak string) (string, bool) { return mock.DemoSK, ak == mock.DemoAK }
		if _, err := aksk.Verify(req, lookup, fuzzClock); err == nil && project == mock.DemoProjectID {
			return ""
		}
		return "no valid credential for project " + project
	case strings.HasPrefix(p, recording.AdminPrefix):
		a := req.Header.Get("Authorization")
		if a == "Bearer "+fuzzAdminToken || a == fuzzAdminToken {
			return ""
		}
		return "the admin API answered without the admin token"
	case p == "/v3/auth/tokens":
		var in struct {
			Auth struct {
				Identity struct {
					Password struct {
						User struct {
							Name     string `json:"name"`
							Password string `json:"password"`
						} `json:"user"`
					} `json:"password"`
				} `json:"identity"`
			} `json:"auth"`
		}
		_ = json.Unmarshal(body, &in)
		if u := in.Auth.Identity.Password.User; u.Name == mock.DemoUser && u.Password == mock.DemoPassword {
			return ""
		}
		return "IAM issued a token without the user's password"
	}
	return "a 2xx outside the API"
}

// FuzzAdminFixtures posts arbitrary fixtures to the admin API of a fresh mock. The mock must
// answer 204 or the vendor's 400, never fail or panic; what it accepted it must serve (every
// secret, version and value, within the contract); what it refused must leave no way in.
// Seeds: testdata/fuzz/FuzzAdminFixtures (copies of mock/fixtures' FuzzParse seeds).
func FuzzAdminFixtures(f *testing.F) {
	data, err := os.ReadFile("../examples/fixtures.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	panics := &panicCounter{}
	f.Fuzz(func(t *testing.T, data []byte) {
		countExec()
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 10*time.Second { // unbounded work is a finding too
				t.Fatalf("loading and reading back %d bytes of fixtures took %s", len(data), d)
			}
		}()
		srv := newFuzzMock(t, panics)
		defer srv.Close()
		before := panics.n.Load()
		st, body := adminPost(srv, "/__admin/fixtures", string(data))
		if panics.n.Load() != before {
			t.Fatal("loading fixtures panicked")
		}
		fx, parseErr := fixtures.Parse(data)
		switch st {
		case http.StatusNoContent:
			if parseErr != nil {
				t.Fatalf("the admin API loaded fixtures the loader refuses: %v", parseErr)
			}
			if !redefinesRoot(fx) {
				checkServed(t, srv, fx)
			}
		case http.StatusBadRequest:
			var e struct {
				Code string `json:"error_code"`
				Msg  string `json:"error_msg"`
			}
			if json.Unmarshal(body, &e) != nil || e.Code == "" || len(e.Msg) < 2 {
				t.Fatalf("400 is not the vendor's error body: %s", body)
			}
			if fx != nil {
				checkNoWayIn(t, srv, fx)
			}
		default:
			t.Fatalf("fixtures answered %d: %s", st, body)
		}
	})
}

func get(srv http.Handler, p string) (int, []byte, string) {
	req := httptest.NewRequest(http.MethodGet, p, nil)
	req.Header.Set("X-Auth-Token", fuzzRootToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes(), rec.Header().Get("X-Request-Id")
}

// checkServed reads back every secret of accepted fixtures.
func checkServed(t *testing.T, srv *mock.Server, fx *fixtures.Fixtures) {
	t.Helper()
	for _, p := range fx.Projects {
		for _, s := range p.Secrets {
			if p.ID == mock.DemoProjectID && s.Name == mock.DemoSecretName {
				continue // the demo secret was there first and is kept
			}
			base := "/v1/" + p.ID + "/secrets/" + s.Name
			st, b, id := get(srv, base)
			if st != 200 {
				t.Fatalf("GET %s = %d %s", base, st, b)
			}
			if v := responseViolation(srv, id); v != "" {
				t.Fatalf("GET %s breaks the contract: %s", base, v)
			}
			st, b, id = get(srv, base+"/versions")
			if st != 200 {
				t.Fatalf("GET %s/versions = %d %s", base, st, b)
			}
			if v := responseViolation(srv, id); v != "" {
				t.Fatalf("GET %s/versions breaks the contract: %s", base, v)
			}
			for i, v := range s.Versions {
				vp := base + "/versions/v" + strconv.Itoa(i+1)
				st, b, id = get(srv, vp)
				want := map[string]int{"": 200, "ENABLED": 200, "DISABLED": 403, "FROZEN": 403, "PENDING_DELETE": 400}[s.State]
				if st != want {
					t.Fatalf("GET %s (state %q) = %d, want %d: %s", vp, s.State, st, want, b)
				}
				if rv := responseViolation(srv, id); rv != "" {
					t.Fatalf("GET %s breaks the contract: %s", vp, rv)
				}
				if st != 200 {
					continue
				}
				var got struct {
					Version struct {
						String *string `json:"secret_string"`
						Binary *string `json:"secret_binary"`
					} `json:"version"`
				}
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatal(err)
				}
				if !sameValue(v.Value, got.Version.String) || !sameValue(v.Binary, got.Version.Binary) {
					t.Fatalf("GET %s does not serve the loaded value", vp)
				}
			}
		}
	}
}

// sameValue compares a loaded value with the served one; JSON turns invalid UTF-8 into U+FFFD.
func sameValue(loaded, served *string) bool {
	if (loaded == nil) != (served == nil) {
		return false
	}
	return loaded == nil || strings.ToValidUTF8(*loaded, "\uFFFD") == *served
}

// redefinesRoot reports fixtures that give the test's root token another principal.
func redefinesRoot(fx *fixtures.Fixtures) bool {
	for _, c := range fx.Credentials {
		if c.Token == fuzzRootToken {
			return true
		}
	}
	return false
}

// checkNoWayIn fails when a credential of refused fixtures authenticates.
func checkNoWayIn(t *testing.T, srv *mock.Server, fx *fixtures.Fixtures) {
	t.Helper()
	for _, c := range fx.Credentials {
		if c.Token == "" || len(c.Projects) == 0 {
			continue
		}
		project := c.Projects[0]
		if project == "*" {
			project = mock.DemoProjectID
		}
		req := httptest.NewRequest(http.MethodGet, "/v1/"+project+"/secrets", nil)
		req.Header.Set("X-Auth-Token", c.Token)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code == 200 && c.Token != mock.DemoToken && c.Token != fuzzRootToken && c.Token != fuzzOtherToken {
			t.Fatalf("refused fixtures left credential %q working", c.Name)
		}
	}
}

// update rewrites the named seeds of the committed fuzz corpora instead of checking them.
var update = flag.Bool("update", false, "rewrite testdata/fuzz seed corpora")

// The committed corpora of the two targets.
const (
	handlerCorpus  = "testdata/fuzz/FuzzHandler"
	fixturesCorpus = "testdata/fuzz/FuzzAdminFixtures"
	parseCorpus    = "fixtures/testdata/fuzz/FuzzParse" // what fixturesCorpus copies
)

// TestHandlerFuzzCorpus checks that the named seeds of FuzzHandler's committed corpus are what
// handlerSeeds writes, and that FuzzAdminFixtures' copies of mock/fixtures' FuzzParse seeds are
// exact (the inputs each fuzzer kept, named by hash, are left alone). The restore seed's blob
// cannot be sealed again byte for byte: it is taken from the committed seed, which must open
// under the fuzz key. With -update it writes the named seeds, the blob sealed afresh, and copies
// every FuzzParse seed:
//
//	go test ./mock/ -run TestHandlerFuzzCorpus -update
func TestHandlerFuzzCorpus(t *testing.T) {
	var restoreBody string
	if *update {
		srv := newFuzzMock(t, &panicCounter{})
		defer srv.Close()
		restoreBody = freshRestoreBody(t, srv)
	} else {
		restoreBody = committedRestoreBody(t)
	}
	handler := map[string][]byte{}
	for name, s := range handlerSeeds(t, restoreBody) {
		handler[name] = []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(s))))
	}
	files, _ := filepath.Glob(filepath.Join(parseCorpus, "*"))
	if len(files) == 0 {
		t.Fatal("no fixtures seeds to copy")
	}
	fixtureSeeds := map[string][]byte{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		fixtureSeeds[filepath.Base(file)] = data
	}
	if *update {
		writeCorpus(t, handlerCorpus, handler)
		writeCorpus(t, fixturesCorpus, fixtureSeeds)
		return
	}
	for name, want := range handler {
		if got, err := os.ReadFile(filepath.Join(handlerCorpus, name)); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s/%s is not the seed the test writes (%v); run it with -update", handlerCorpus, name, err)
		}
	}
	// The FuzzParse corpus has grown since it was copied: each copy made must still be exact.
	copies, _ := filepath.Glob(filepath.Join(fixturesCorpus, "*"))
	copied := 0
	for _, file := range copies {
		want, ok := fixtureSeeds[filepath.Base(file)]
		if !ok {
			continue // kept by FuzzAdminFixtures' own fuzzing
		}
		copied++
		if got, err := os.ReadFile(file); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not a copy of %s/%s (%v); run the test with -update", file, parseCorpus, filepath.Base(file), err)
		}
	}
	if copied == 0 {
		t.Errorf("%s holds no copy of a %s seed; run the test with -update", fixturesCorpus, parseCorpus)
	}
}

func writeCorpus(t *testing.T, dir string, seeds map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range seeds {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// freshRestoreBody is a restore request's body whose blob srv seals now, of a secret
// (fuzz-restorable) that is then deleted, so it restores.
func freshRestoreBody(t *testing.T, srv *mock.Server) string {
	t.Helper()
	const p = "/v1/" + mock.DemoProjectID + "/secrets"
	serve := func(method, target, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("X-Auth-Token", mock.DemoToken)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("seed setup, %s %s: %d %s", method, target, rec.Code, rec.Body)
		}
		return rec
	}
	serve("POST", p, `{"name":"fuzz-restorable","secret_string":"v1"}`)
	serve("POST", p+"/fuzz-restorable/versions", `{"secret_string":"v2"}`)
	var backup struct {
		Blob string `json:"secret_blob"`
	}
	if rec := serve("POST", p+"/fuzz-restorable/backup", ""); json.Unmarshal(rec.Body.Bytes(), &backup) != nil || backup.Blob == "" {
		t.Fatalf("seed backup: %s", rec.Body)
	}
	return `{"secret_blob":"` + backup.Blob + `"}`
}

// committedRestoreBody is the body of the committed restore seed, whose blob must open under the
// fuzz key to a backup of fuzz-restorable.
func committedRestoreBody(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(handlerCorpus, "restore"))
	if err != nil {
		t.Fatal(err)
	}
	lit, ok := strings.CutPrefix(string(data), "go test fuzz v1\n[]byte(")
	lit, ok2 := strings.CutSuffix(lit, ")\n")
	raw, err := strconv.Unquote(lit)
	if !ok || !ok2 || err != nil {
		t.Fatalf("%s/restore is not a []byte seed", handlerCorpus)
	}
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	var restore struct {
		Blob string `json:"secret_blob"`
	}
	if err := json.Unmarshal(body, &restore); err != nil {
		t.Fatal(err)
	}
	key, err := fuzzKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := blob.NewKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := k.Open(restore.Blob); err != nil || !strings.Contains(string(plain), `"name":"fuzz-restorable"`) {
		t.Fatalf("the restore seed's blob does not open under the fuzz key to fuzz-restorable's backup: %v", err)
	}
	return string(body)
}

// handlerSeeds are raw requests: every operation with each way in, IAM, the admin API without
// its token, faults, and the hostile shapes of hostile_test.go; blobBody restores a secret.
func handlerSeeds(t *testing.T, blobBody string) map[string][]byte {
	t.Helper()
	const p = "/v1/" + mock.DemoProjectID + "/secrets"
	tok := "X-Auth-Token: " + mock.DemoToken + "\r\n"
	ctJSON := "Content-Type: application/json\r\n"
	rawReq := func(method, target, headers, body string) []byte {
		s := method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
		if body != "" || method == "POST" {
			s += "Content-Length: " + strconv.Itoa(len(body)) + "\r\n"
		}
		return []byte(s + "\r\n" + body)
	}
	signedReq := func(method, target, body string) []byte {
		req, err := http.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("X-Project-Id", mock.DemoProjectID)
		if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, fuzzClock, "x-project-id"); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := req.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}

	return map[string][]byte{
		"create":                 rawReq("POST", p, tok+ctJSON, `{"name":"fuzz-a","secret_string":"s3cr3t","description":"d"}`),
		"create-binary":          rawReq("POST", p, tok+ctJSON, `{"name":"fuzz-b","secret_binary":"c2VjcmV0"}`),
		"list":                   rawReq("GET", p+"?limit=2&marker=demo-secret", tok, ""),
		"show":                   rawReq("GET", p+"/demo-secret", tok, ""),
		"delete":                 rawReq("DELETE", p+"/fuzz-a", tok, ""),
		"backup":                 rawReq("POST", p+"/demo-secret/backup", tok+ctJSON, ""),
		"restore":                rawReq("POST", p+"/restore", tok+ctJSON, blobBody),
		"restore-doc-example":    rawReq("POST", p+"/restore", tok+ctJSON, `{"secret_blob":")CloudSecretManagementBackupV1.comeyJraWQiOiI5ZjNlZmRjNS0zZjVlLTRiZWQtYThkMS05NjE2ZTUwNDQzYWIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiUlNBLU9BRVAtMjU2In0.AAAA.AAAA.AAAAA"}`),
		"add-version":            rawReq("POST", p+"/demo-secret/versions", tok+ctJSON, `{"secret_string":"v2","version_stages":["SYSCURRENT","blue"]}`),
		"show-version":           rawReq("GET", p+"/demo-secret/versions/latest", tok, ""),
		"list-versions":          rawReq("GET", p+"/demo-secret/versions?limit=1", tok, ""),
		"schedule-delete":        rawReq("POST", p+"/demo-secret/scheduled-deleted-tasks/create", tok+ctJSON, `{"recovery_window_in_days":7}`),
		"cancel-delete":          rawReq("POST", p+"/demo-secret/scheduled-deleted-tasks/cancel", tok+ctJSON, ""),
		"aksk-list":              signedReq("GET", p+"?limit=10", ""),
		"aksk-create":            signedReq("POST", p, `{"name":"fuzz-signed","secret_string":"x"}`),
		"aksk-backup":            signedReq("POST", p+"/demo-secret/backup", ""),
		"other-project":          rawReq("GET", "/v1/"+otherProject+"/secrets", tok, ""),
		"no-credentials":         rawReq("GET", p, "", ""),
		"bad-token":              rawReq("GET", p, "X-Auth-Token: MIIwrong-token-000000000000000000000000\r\n", ""),
		"other-scheme":           rawReq("GET", p, "Authorization: Basic YTpi\r\n", ""),
		"iam-token":              rawReq("POST", "/v3/auth/tokens", ctJSON, `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"demo-password","domain":{"name":"demo-domain"}}}},"scope":{"project":{"id":"`+mock.DemoProjectID+`"}}}}`),
		"iam-wrong-password":     rawReq("POST", "/v3/auth/tokens", ctJSON, `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"nope","domain":{"name":"demo-domain"}}}},"scope":{"project":{"name":"cn-north-4"}}}}`),
		"admin-health":           rawReq("GET", "/__admin/health", "", ""),
		"admin-wrong-token":      rawReq("POST", "/__admin/fixtures", "Authorization: Bearer wrong\r\n", "credentials: []"),
		"admin-reset":            rawReq("POST", "/__admin/reset", "Authorization: bearer x\r\n", ""),
		"fault-status":           rawReq("POST", p+"/demo-secret/backup", tok+"X-Mock-Fault: status=502\r\n", ""),
		"fault-delay":            rawReq("GET", p, tok+"X-Mock-Fault: delay=5ms,status=504\r\n", ""),
		"fault-reset":            rawReq("GET", p, tok+"X-Mock-Fault: reset\r\n", ""),
		"fault-malformed":        rawReq("POST", p+"/demo-secret/backup", tok+"X-Mock-Fault: malformed\r\n", ""),
		"fault-bad":              rawReq("GET", p, tok+"X-Mock-Fault: status=418,delay=-1s\r\n", ""),
		"encoded-slash":          rawReq("GET", p+"/a%2Fb", tok, ""),
		"encoded-dots":           rawReq("GET", p+"/%2e%2e/backup", tok, ""),
		"nul":                    rawReq("GET", p+"/a%00b", tok, ""),
		"dot-dot":                rawReq("GET", p+"/../secrets", tok, ""),
		"invalid-utf8-name":      rawReq("GET", p+"/%ff%fe", tok, ""),
		"invalid-utf8-body":      rawReq("POST", p, tok+ctJSON, "{\"name\":\"u\",\"secret_string\":\"\xff\xfe\"}"),
		"duplicate-keys":         rawReq("POST", p, tok+ctJSON, `{"name":"dup","secret_string":"x","name":"bad.name"}`),
		"nested":                 rawReq("POST", p, tok+ctJSON, `{"name":"n","secret_string":"x","description":`+strings.Repeat("[", 200)+strings.Repeat("]", 200)+`}`),
		"wrong-content-type":     rawReq("POST", p, tok+"Content-Type: application/x-www-form-urlencoded\r\n", "name=x&secret_string=y"),
		"multipart":              rawReq("POST", p, tok+"Content-Type: multipart/form-data; boundary=b\r\n", "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--b--\r\n"),
		"absolute-uri":           rawReq("GET", "http://evil.example"+p, tok, ""),
		"chunked":                []byte("POST " + p + " HTTP/1.1\r\nHost: h\r\n" + tok + ctJSON + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"nam\r\n0\r\n\r\n"),
		"http10":                 []byte("GET " + p + " HTTP/1.0\r\n" + tok + "\r\n"),
		"method-override":        rawReq("GET", p+"/demo-secret", tok+"X-HTTP-Method-Override: DELETE\r\n", ""),
		"unknown-method":         rawReq("PATCH", p+"/demo-secret", tok, ""),
		"long-limit":             rawReq("GET", p+"?limit=99999999999999999999&limit=1", tok, ""),
		"trailing-garbage":       rawReq("POST", p, tok+ctJSON, `{"name":"g","secret_string":"x"} junk`),
		"recovery-window-float":  rawReq("POST", p+"/demo-secret/scheduled-deleted-tasks/create", tok+ctJSON, `{"recovery_window_in_days":1e400}`),
		"restore-other-key-blob": rawReq("POST", p+"/restore", tok+ctJSON, `{"secret_blob":")CloudSecretManagementBackupV1.comeyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2Iiwia2lkIjoib3RoZXIifQ.`+strings.Repeat("A", 342)+`.`+strings.Repeat("A", 22)+`.`+strings.Repeat("A", 22)+`.`+strings.Repeat("A", 22)+`"}`),
	}
}

// TestFuzzCorporaAreCommitted keeps the seed corpora `make test` replays in place.
func TestFuzzCorporaAreCommitted(t *testing.T) {
	for _, dir := range []string{handlerCorpus, fixturesCorpus} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(files) < 20 {
			t.Errorf("%s holds %d seeds, want at least 20", dir, len(files))
		}
	}
}
