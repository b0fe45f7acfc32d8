package mock_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/openapi"
	"github.com/csmskit/csmskit/recording"
)

// testKey is one RSA key for every mock in the tests: making one per test would be slow.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

const base = "/v1/" + mock.DemoProjectID + "/secrets"

// creds is how a test request authenticates.
type creds struct {
	token  string
	ak, sk string
}

var (
	demoToken = creds{token: mock.DemoToken}
	demoAKSK  = creds{ak: mock.DemoAK, sk: mock.DemoSK}
	noCreds   = creds{}
)

// client calls a mock over real HTTP and checks every response against the contract.
type client struct {
	t        *testing.T
	url      string
	contract *openapi.Contract
	now      func() time.Time
}

// newMock starts a mock with the demo configuration, changed by edit.
func newMock(t *testing.T, edit func(*mock.Config)) (*mock.Server, *client) {
	t.Helper()
	cfg := mock.DefaultConfig()
	cfg.BackupKey = testKey()
	if edit != nil {
		edit(&cfg)
	}
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatalf("mock.New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		noResponseViolations(t, srv)
		srv.Close()
	})
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return srv, &client{t: t, url: ts.URL, contract: openapi.MustLoad(), now: now}
}

// response is what a call returned.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body is not JSON: %v: %.200s", err, r.body)
	}
}

// errorCode returns error_code, failing the test when the body is not the vendor's error.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	var body struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
	r.json(t, &body)
	if body.Code == "" || body.Msg == "" {
		t.Fatalf("not a vendor error body: %s", r.body)
	}
	return body.Code
}

func (c *client) do(method, path, body string, cr creds) response {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case cr.token != "":
		req.Header.Set("X-Auth-Token", cr.token)
	case cr.ak != "":
		req.Header.Set("X-Project-Id", mock.DemoProjectID)
		if err := aksk.Sign(req, cr.ak, cr.sk, c.now(), "x-project-id"); err != nil {
			c.t.Fatal(err)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	if err := c.contract.ValidateResponse(context.Background(), res); err != nil {
		c.t.Errorf("%s %s: the response breaks the contract: %v", method, path, err)
	}
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if res.Header.Get("X-Request-Id") == "" {
		c.t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// must calls and fails the test unless the status is want.
func (c *client) must(want int, method, path, body string, cr creds) response {
	c.t.Helper()
	r := c.do(method, path, body, cr)
	if r.status != want {
		c.t.Fatalf("%s %s = %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

func (c *client) create(name, value string) {
	c.t.Helper()
	c.must(200, "POST", base, `{"name":"`+name+`","secret_string":"`+value+`"}`, demoToken)
}

func (c *client) backup(name string) string {
	c.t.Helper()
	var out struct {
		Blob string `json:"secret_blob"`
	}
	c.must(200, "POST", base+"/"+name+"/backup", "", demoToken).json(c.t, &out)
	return out.Blob
}

type versionBody struct {
	Version struct {
		Meta struct {
			ID     string   `json:"id"`
			Stages []string `json:"version_stages"`
		} `json:"version_metadata"`
		String *string `json:"secret_string"`
		Binary *string `json:"secret_binary"`
	} `json:"version"`
}

func (c *client) version(name, id string) versionBody {
	c.t.Helper()
	var v versionBody
	c.must(200, "GET", base+"/"+name+"/versions/"+id, "", demoToken).json(c.t, &v)
	return v
}

func signWith(t *testing.T, req *http.Request, now time.Time) {
	t.Helper()
	if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, now); err != nil {
		t.Fatal(err)
	}
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func jsonValid(data []byte, v any) bool { return json.Unmarshal(data, v) == nil }

// noResponseViolations fails the test when the mock recorded a response of its own that breaks
// the contract: whatever a test provoked, the mock itself must keep it.
func noResponseViolations(t *testing.T, srv *mock.Server) {
	t.Helper()
	violations, _ := srv.Violations()
	for _, v := range violations {
		if v.Kind == recording.KindResponse {
			t.Errorf("the mock sent a response that breaks the contract: %+v", v)
		}
	}
}
