package proxy_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/proxy"
	"github.com/csmskit/csmskit/recording"
)

// The headers the vendor's Python, Java and Node signers sign on a CSMS call, host among them;
// the Go SDK signs them without host.
var (
	hostSigned   = []string{"content-type", "host", "x-project-id"}
	goSDKSigned  = []string{"content-type", "x-project-id"}
	otherAK      = "OTHERACCESSKEY000001"
	withDemoKeys = func(c *proxy.Config) { c.AK, c.SK = mock.DemoAK, mock.DemoSK }
)

// arrival is what an upstream saw of one request.
type arrival struct{ host, authorization, date, contentSHA256 string }

// watchedMock is the mock behind a handler that notes each request's Host and signature.
func watchedMock(t *testing.T) (*httptest.Server, func() []arrival) {
	t.Helper()
	srv, err := mock.New(mock.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []arrival
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, arrival{r.Host, r.Header.Get("Authorization"), r.Header.Get("X-Sdk-Date"), r.Header.Get(aksk.ContentSHA256Header)})
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts, func() []arrival {
		mu.Lock()
		defer mu.Unlock()
		return append([]arrival(nil), seen...)
	}
}

// signedCall signs a request to target as signers do (at the given time, with the given
// headers) and sends it; edit may change the request before signing.
func signedCall(t *testing.T, method, target, body, ak, sk string, at time.Time, headers []string, edit func(*http.Request)) (int, []byte, *http.Request) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Project-Id", mock.DemoProjectID)
	if edit != nil {
		edit(req)
	}
	if err := aksk.Sign(req, ak, sk, at, headers...); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data, req
}

// errorBody decodes the vendor's error body.
func errorBody(t *testing.T, data []byte) (code, msg string) {
	t.Helper()
	var e struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatalf("not the vendor's error body: %s", data)
	}
	return e.Code, e.Msg
}

func TestProxySignsAgainForTheUpstream(t *testing.T) {
	upstream, seen := watchedMock(t)
	base, rec, logs := startProxy(t, upstream, withDemoKeys)
	secrets := base + "/v1/" + mock.DemoProjectID + "/secrets"
	signedAt := time.Now().Add(-2 * time.Minute).UTC().Truncate(time.Second)
	unsignedPayload := func(r *http.Request) { r.Header.Set(aksk.ContentSHA256Header, aksk.UnsignedPayload) }
	upstreamHost, _ := url.Parse(upstream.URL)

	calls := []struct {
		name, method, target, body string
		headers                    []string
		edit                       func(*http.Request)
	}{
		{"create, host signed", "POST", secrets, `{"name":"resigned","secret_string":"one"}`, hostSigned, nil},
		{"list with a query, host signed", "GET", secrets + "?limit=10", "", hostSigned, nil},
		{"backup without a body, host signed", "POST", secrets + "/resigned/backup", "", hostSigned, nil},
		{"version with UNSIGNED-PAYLOAD", "POST", secrets + "/resigned/versions", `{"secret_string":"two"}`, append(hostSigned, "x-sdk-content-sha256"), unsignedPayload},
		{"read, as the Go SDK signs", "GET", secrets + "/resigned/versions/latest", "", goSDKSigned, nil},
	}
	for i, c := range calls {
		status, body, sent := signedCall(t, c.method, c.target, c.body, mock.DemoAK, mock.DemoSK, signedAt, c.headers, c.edit)
		if status != 200 {
			t.Fatalf("%s: %d %s", c.name, status, body)
		}
		got := seen()[i]
		if got.host != upstreamHost.Host || got.date != sent.Header.Get("X-Sdk-Date") {
			t.Errorf("%s: the upstream saw Host %q and X-Sdk-Date %q, want %q and the client's %q", c.name, got.host, got.date, upstreamHost.Host, sent.Header.Get("X-Sdk-Date"))
		}
		if got.contentSHA256 != sent.Header.Get(aksk.ContentSHA256Header) {
			t.Errorf("%s: X-Sdk-Content-Sha256 %q reached the upstream as %q", c.name, sent.Header.Get(aksk.ContentSHA256Header), got.contentSHA256)
		}
		if signedHost := strings.Contains(sent.Header.Get("Authorization"), "host;"); signedHost == (got.authorization == sent.Header.Get("Authorization")) {
			t.Errorf("%s: the upstream saw the signature %q for the client's %q", c.name, got.authorization, sent.Header.Get("Authorization"))
		}
	}
	if status, body := call(t, "GET", secrets+"/resigned", mock.DemoToken, ""); status != 200 {
		t.Errorf("token traffic: %d %s", status, body)
	}
	if got := seen()[len(calls)]; got.authorization != "" {
		t.Errorf("token traffic reached the upstream signed: %q", got.authorization)
	}
	if v, _ := rec.Violations.Snapshot(); len(v) != 0 {
		t.Errorf("violations: %+v", v)
	}
	assertKeysHidden(t, rec, logs)
}

func TestProxyRefusesWhatItCannotSignAgain(t *testing.T) {
	upstream, seen := watchedMock(t)
	base, rec, logs := startProxy(t, upstream, withDemoKeys)
	secrets := base + "/v1/" + mock.DemoProjectID + "/secrets"
	now := time.Now()
	dropped := func(r *http.Request) {
		// Named in Connection, so hop-by-hop: the forwarding drops it, and with it the signature.
		r.Header.Set("X-Hop", "1")
		r.Header.Set("Connection", "X-Hop")
	}

	cases := []struct {
		name, ak, sk string
		at           time.Time
		headers      []string
		edit         func(*http.Request)
		msg          string
		violation    bool
	}{
		{"wrong secret key", mock.DemoAK, "wrong-secret-key", now, hostSigned, nil, "verify aksk signature fail", true},
		{"X-Sdk-Date 20 minutes old", mock.DemoAK, mock.DemoSK, now.Add(-20 * time.Minute), hostSigned, nil, "15 minutes", true},
		{"another access key", otherAK, "its-secret-key", now, hostSigned, nil, "--ak", false},
		{"a signed header the forwarding drops", mock.DemoAK, mock.DemoSK, now, append(hostSigned, "x-hop"), dropped, "x-hop", false},
	}
	for _, c := range cases {
		before, _ := rec.Violations.Snapshot()
		status, body, _ := signedCall(t, "GET", secrets, "", c.ak, c.sk, c.at, c.headers, c.edit)
		code, msg := errorBody(t, body)
		if status != 401 || code != "APIGW.0301" || !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %d %s %q, want 401 APIGW.0301 saying %q", c.name, status, code, msg, c.msg)
		}
		after, _ := rec.Violations.Snapshot()
		added := after[len(before):]
		switch {
		case c.violation && (len(added) != 1 || added[0].Kind != recording.KindRequest || !strings.Contains(added[0].Reason, c.msg)):
			t.Errorf("%s: violations %+v, want one request violation", c.name, added)
		case !c.violation && len(added) != 0:
			t.Errorf("%s: violations %+v for the proxy's own limit, want none", c.name, added)
		}
	}
	if n := len(seen()); n != 0 {
		t.Errorf("%d refused requests reached the upstream", n)
	}
	entries, _ := rec.Requests.Snapshot()
	if len(entries) != len(cases) || entries[0].Status != 401 || entries[0].ErrorCode != "APIGW.0301" {
		t.Errorf("journal: %+v", entries)
	}
	if !strings.Contains(logs.String(), `"msg":"refused"`) {
		t.Errorf("the log does not say why the proxy refused:\n%s", logs)
	}
	assertKeysHidden(t, rec, logs)
}

func TestProxyWithoutCredentials(t *testing.T) {
	upstream, seen := watchedMock(t)
	base, rec, _ := startProxy(t, upstream)
	secrets := "/v1/" + mock.DemoProjectID + "/secrets"
	now := time.Now()

	status, body, _ := signedCall(t, "GET", base+secrets, "", mock.DemoAK, mock.DemoSK, now, hostSigned, nil)
	code, msg := errorBody(t, body)
	if status != 401 || code != "APIGW.0301" || !strings.Contains(msg, "--ak/--sk") || !strings.Contains(msg, "CSMSMOCK_AK") {
		t.Errorf("host signed, no credentials: %d %s %q; want 401 naming --ak/--sk and CSMSMOCK_AK", status, code, msg)
	}
	if len(seen()) != 0 {
		t.Error("a signature the proxy cannot forward intact reached the upstream")
	}

	status, body, sent := signedCall(t, "GET", base+secrets, "", mock.DemoAK, mock.DemoSK, now, goSDKSigned, nil)
	if status != 200 {
		t.Fatalf("signed as the Go SDK signs, no credentials: %d %s", status, body)
	}
	if got := seen()[0]; got.authorization != sent.Header.Get("Authorization") || got.date != sent.Header.Get("X-Sdk-Date") {
		t.Errorf("the Go SDK's signature was changed on the way: %+v", got)
	}

	// A token beside the signature: the service takes either, and the token passes intact.
	status, body, _ = signedCall(t, "GET", base+secrets, "", mock.DemoAK, "wrong-secret-key", now, hostSigned,
		func(r *http.Request) { r.Header.Set("X-Auth-Token", mock.DemoToken) })
	if status != 200 {
		t.Errorf("host signed with a token beside, no credentials: %d %s", status, body)
	}

	// Host signed for the upstream's own name (the application reaches the proxy under it):
	// forwarding keeps the Host, so the signature passes as it is.
	upstreamHost, _ := url.Parse(upstream.URL)
	status, body, _ = signedCall(t, "GET", base+secrets, "", mock.DemoAK, mock.DemoSK, now, hostSigned,
		func(r *http.Request) { r.Host = upstreamHost.Host })
	if status != 200 {
		t.Errorf("host signed as the upstream's, no credentials: %d %s", status, body)
	}
	if v, _ := rec.Violations.Snapshot(); len(v) != 0 {
		t.Errorf("violations: %+v", v)
	}
}

func TestProxyNeedsBothKeys(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:1")
	for _, c := range []proxy.Config{{Upstream: u, AK: mock.DemoAK}, {Upstream: u, SK: mock.DemoSK}} {
		if _, err := proxy.New(c); err == nil {
			t.Errorf("AK %q without SK %q, or the reverse, accepted", c.AK, c.SK)
		}
	}
}

// assertKeysHidden fails when the proxy's journal or log holds the access key or secret key
// it was given.
func assertKeysHidden(t *testing.T, rec *recording.Recorder, logs *logBuffer) {
	t.Helper()
	entries, _ := rec.Requests.Snapshot()
	violations, _ := rec.Violations.Snapshot()
	journal, _ := json.Marshal(entries)
	reasons, _ := json.Marshal(violations)
	if !strings.Contains(string(journal), "Access="+recording.Redacted) {
		t.Errorf("the journal does not show the hidden access key: %s", journal)
	}
	for name, text := range map[string]string{"journal": string(journal), "violations": string(reasons), "log": logs.String()} {
		for _, key := range []string{mock.DemoAK, mock.DemoSK} {
			if strings.Contains(text, key) {
				t.Errorf("the %s holds a key the proxy was given", name)
			}
		}
	}
}
