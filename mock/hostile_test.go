// One table of hostile inputs and the harness that replays it; kept whole so that the
// table, which is most of the file, reads as one list.

package mock_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/blob"
	"github.com/csmskit/csmskit/mock/fixtures"
)

// The hostile-input table: requests a careless or malicious client sends, over a real TCP
// listener. Each must be answered with the vendor's 4xx JSON body (the documented status and
// code), or refused by the HTTP layer itself (net/http's plain 4xx and a closed connection,
// before any handler runs), or cut off with a closed connection; afterwards the mock still
// serves and its store is exactly as before.

// Server limits of the hostile target: those of cmd/csmsmock/serve.go, with shorter timeouts
// so that the slow cases finish in about a second.
const (
	hostileReadHeaderTimeout = 700 * time.Millisecond
	hostileReadTimeout       = 1500 * time.Millisecond
	hostileMaxHeaderBytes    = 1 << 20 // as serve.go
)

// hostileTarget is a mock behind a real listener with server timeouts.
type hostileTarget struct {
	srv  *mock.Server
	addr string
	url  string
}

func startHostileTarget(t *testing.T) *hostileTarget {
	t.Helper()
	cfg := mock.DefaultConfig()
	cfg.BackupKey = testKey()
	cfg.AdminToken = "hostile-admin-token-0123456789"
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.ReadHeaderTimeout = hostileReadHeaderTimeout
	ts.Config.ReadTimeout = hostileReadTimeout
	ts.Config.WriteTimeout = 10 * time.Second
	ts.Config.IdleTimeout = 5 * time.Second
	ts.Config.MaxHeaderBytes = hostileMaxHeaderBytes
	ts.Config.ErrorLog = nil
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		noResponseViolations(t, srv)
		srv.Close()
	})
	return &hostileTarget{srv: srv, addr: ts.Listener.Addr().String(), url: ts.URL}
}

// outcome is what a hostile request got.
type outcome struct {
	status int
	header http.Header
	body   []byte
	// closed: no answer, the server closed the connection.
	closed bool
	// closedAfter: after the answer the server closed the connection.
	closedAfter bool
	err         error
}

func (o outcome) String() string {
	if o.status == 0 {
		return fmt.Sprintf("no answer (closed %v, %v)", o.closed, o.err)
	}
	return fmt.Sprintf("%d %s %.200q (closed after: %v)", o.status, o.header.Get("Content-Type"), o.body, o.closedAfter)
}

// exchange dials the target, writes with write (in its own goroutine, so an answer sent before
// the request is complete is read at once), and reads one answer.
func (h *hostileTarget) exchange(t *testing.T, write func(c net.Conn) error) outcome {
	t.Helper()
	c, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	wrote := make(chan error, 1)
	go func() { wrote <- write(c) }()
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		<-wrote
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isReset(err) {
			return outcome{closed: true, err: err}
		}
		return outcome{err: err}
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	res.Body.Close()
	o := outcome{status: res.StatusCode, header: res.Header, body: body, err: err}
	// Does the server close the connection after answering? Only a refusal is expected to.
	if res.Close || res.Header.Get("X-Request-Id") == "" {
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, rerr := br.ReadByte()
		o.closedAfter = errors.Is(rerr, io.EOF) || isReset(rerr)
	}
	_ = c.Close()
	<-wrote
	return o
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe"))
}

// rawBytes writes data at once.
func rawBytes(data string) func(net.Conn) error {
	return func(c net.Conn) error { _, err := io.WriteString(c, data); return err }
}

// request writes an http.Request as a client would.
func request(req *http.Request) func(net.Conn) error {
	return func(c net.Conn) error { return req.Write(c) }
}

func newReq(t *testing.T, method, path, body string, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == "" {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// tokenReq is newReq with the demo token and, with a body, a JSON content type.
func tokenReq(t *testing.T, method, path, body string, header ...string) *http.Request {
	t.Helper()
	h := []string{"X-Auth-Token", mock.DemoToken}
	if body != "" {
		h = append(h, "Content-Type", "application/json")
	}
	return newReq(t, method, path, body, append(h, header...)...)
}

// signedReq is newReq signed with the demo AK/SK at the given time.
func signedReq(t *testing.T, method, path, body string, at time.Time) *http.Request {
	t.Helper()
	req := newReq(t, method, path, body, "X-Project-Id", mock.DemoProjectID)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := aksk.Sign(req, mock.DemoAK, mock.DemoSK, at, "x-project-id"); err != nil {
		t.Fatal(err)
	}
	return req
}

// expect is the answer a hostile case must get.
type expect struct {
	status int    // the vendor's JSON answer with this status …
	code   string // … and this error_code (any when empty)
	// httpLayer also accepts net/http's own refusal: a plain 4xx (or 505) and a closed
	// connection, before the mock's handler runs.
	httpLayer bool
	// closed also accepts a connection closed without an answer.
	closed bool
	// closeOnly accepts nothing but the closed connection (or net/http's refusal).
	closeOnly bool
}

type hostileCase struct {
	name string
	send func(t *testing.T, h *hostileTarget) func(net.Conn) error
	want expect
	slow bool // runs in parallel with the other slow cases
}

func rq(req func(t *testing.T) *http.Request) func(*testing.T, *hostileTarget) func(net.Conn) error {
	return func(t *testing.T, _ *hostileTarget) func(net.Conn) error { return request(req(t)) }
}

func raw(data string) func(*testing.T, *hostileTarget) func(net.Conn) error {
	return func(*testing.T, *hostileTarget) func(net.Conn) error { return rawBytes(data) }
}

const (
	hp   = "/v1/" + mock.DemoProjectID + "/secrets"
	tokH = "X-Auth-Token: " + mock.DemoToken + "\r\n"
	// anyID is a secret id no secret has; the tag cases that reach the store find nothing.
	anyID     = "00000000-0000-4000-8000-000000000000"
	instances = "/v1/" + mock.DemoProjectID + "/csms/resource_instances/action"
	passwords = "/v1/" + mock.DemoProjectID + "/csms/generate-password"
)

// tagsOf is the tags path of a secret id.
func tagsOf(id string) string { return "/v1/" + mock.DemoProjectID + "/csms/" + id + "/tags" }

// hostileCases is the table. Blob cases get their blobs from blobs.
func hostileCases(blobs *hostileBlobs) []hostileCase {
	tenMB := strings.Repeat("a", 10<<20)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	now := time.Now
	bad := func(s int, code string) expect { return expect{status: s, code: code} }
	return []hostileCase{
		// Names and paths.
		{name: "encoded slash in a name", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "GET", hp+"/a%2Fb", "") }), want: bad(400, "CSMS.0002")},
		{name: "encoded slash in a backup path", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", hp+"/demo-secret%2Fbackup", "") }), want: bad(404, "APIGW.0101")},
		{name: "encoded dots as a name", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", hp+"/%2e%2e/backup", "") }), want: bad(400, "CSMS.0002")},
		{name: "encoded dot-dot-slash to another project", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "GET", hp+"/..%2F..%2Fffeeddccbbaa99887766554433221100%2Fsecrets", "")
		}), want: bad(400, "CSMS.0002")},
		{name: "%00 in a name", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "GET", hp+"/demo-secret%00", "") }), want: bad(400, "CSMS.0002")},
		// No character set is documented for project_id: a NUL makes another project, which
		// the credentials do not cover.
		{name: "%00 in the project", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "GET", "/v1/"+mock.DemoProjectID+"%00/secrets", "")
		}), want: bad(403, "APIGW.0302")},
		{name: "invalid UTF-8 in a name", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "GET", hp+"/%ff%fe", "") }), want: bad(400, "CSMS.0002")},
		{name: "a dot in a name", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "GET", hp+"/demo.secret", "") }), want: bad(400, "CSMS.0002")},
		{name: "a 10,000-character name", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "GET", hp+"/"+strings.Repeat("n", 10000), "") }), want: bad(400, "CSMS.0002")},
		{name: "a version ID with an encoded slash", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "GET", hp+"/demo-secret/versions/v1%2F..%2Fv2", "")
		}), want: bad(400, "CSMS.0005")},
		{name: "limit out of range and repeated", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "GET", hp+"?limit=99999999999999999999&limit=1", "")
		}), want: bad(400, "CSMS.0002")},
		{name: "a marker longer than any name", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "GET", hp+"?marker="+strings.Repeat("m", 65), "")
		}), want: bad(400, "CSMS.0002")},
		{name: "dot-dot segments", send: raw("GET " + hp + "/../secrets/demo-secret HTTP/1.1\r\nHost: h\r\n" + tokH + "\r\n"), want: bad(404, "APIGW.0101")},
		{name: "double slash", send: raw("GET /" + hp + " HTTP/1.1\r\nHost: h\r\n" + tokH + "\r\n"), want: bad(404, "APIGW.0101")},
		{name: "CONNECT", send: raw("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"), want: bad(404, "APIGW.0101")},
		{name: "asterisk-form target", send: raw("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), want: bad(404, "APIGW.0101")},

		// Headers.
		{name: "overlong header (2 MiB)", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "GET", hp, "", "X-Padding", strings.Repeat("p", 2<<20))
		}), want: expect{closeOnly: true}},
		{name: "overlong X-Auth-Token (512 KiB)", send: rq(func(t *testing.T) *http.Request {
			return newReq(t, "GET", hp, "", "X-Auth-Token", "MII"+strings.Repeat("t", 512<<10))
		}), want: bad(401, "APIGW.0301")},
		{name: "5,000 headers", send: func(t *testing.T, _ *hostileTarget) func(net.Conn) error {
			var b strings.Builder
			b.WriteString("GET " + hp + "/demo.secret HTTP/1.1\r\nHost: h\r\n" + tokH)
			for i := range 5000 {
				fmt.Fprintf(&b, "X-H%d: v\r\n", i)
			}
			return rawBytes(b.String() + "\r\n")
		}, want: bad(400, "CSMS.0002")},
		{name: "NUL in a header value", send: raw("GET " + hp + " HTTP/1.1\r\nHost: h\r\nX-Auth-Token: MII\x00x\r\n\r\n"), want: expect{closeOnly: true}},
		{name: "CR in a header value", send: raw("GET " + hp + " HTTP/1.1\r\nHost: h\r\nX-Auth-Token: a\rX-Admin: 1\r\n\r\n"), want: expect{closeOnly: true}},
		{name: "no Host header", send: raw("GET " + hp + " HTTP/1.1\r\n" + tokH + "\r\n"), want: expect{closeOnly: true}},
		{name: "two different Content-Lengths", send: raw("POST " + hp + " HTTP/1.1\r\nHost: h\r\n" + tokH + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}"), want: expect{closeOnly: true}},
		{name: "Content-Length and chunked together", send: raw("POST " + hp + " HTTP/1.1\r\nHost: h\r\n" + tokH +
			"Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), want: expect{status: 400, code: "CSMS.0002", httpLayer: true}},
		{name: "a wrong X-Auth-Token before the right one", send: raw("DELETE " + hp + "/demo-secret HTTP/1.1\r\nHost: h\r\nX-Auth-Token: MIIwrong-000000000000000000000000000\r\n" + tokH + "\r\n"), want: bad(401, "APIGW.0301")},

		// The operations tools call: every malformed field of their paths and bodies.
		{name: "UpdateSecret: a description that is a number", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret", `{"description":5}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "UpdateSecret: a body that is not JSON", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "PUT", hp+"/demo-secret", `{"description":`) }), want: bad(400, "CSMS.0004")},
		{name: "UpdateSecret: a rotation period without a unit", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret", `{"rotation_period":"30"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "UpdateSecret: two event subscriptions", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret", `{"event_subscriptions":["a","b"]}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "UpdateSecret: 10 MB", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret", `{"description":"`+tenMB+`"}`)
		}), want: bad(400, "APIGW.0201")},
		{name: "UpdateVersion: no expire_time", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "PUT", hp+"/demo-secret/versions/v1", `{}`) }), want: bad(400, "CSMS.0002")},
		{name: "UpdateVersion: a negative expire_time", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret/versions/v1", `{"expire_time":-1}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "UpdateVersion: expire_time as a string", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret/versions/v1", `{"expire_time":"soon"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "UpdateVersion: expire_time beyond int64", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret/versions/v1", `{"expire_time":99999999999999999999}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "ShowSecretStage: a stage with a dot", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "GET", hp+"/demo-secret/stages/a.b", "") }), want: bad(400, "CSMS.0002")},
		{name: "ShowSecretStage: a stage of 65", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "GET", hp+"/demo-secret/stages/"+strings.Repeat("s", 65), "")
		}), want: bad(400, "CSMS.0002")},
		{name: "UpdateSecretStage: no version_id", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "PUT", hp+"/demo-secret/stages/blue", `{}`) }), want: bad(400, "CSMS.0002")},
		{name: "UpdateSecretStage: a version_id of 65", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "PUT", hp+"/demo-secret/stages/blue", `{"version_id":"`+strings.Repeat("v", 65)+`"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "DeleteSecretStage: SYSCURRENT", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "DELETE", hp+"/demo-secret/stages/SYSCURRENT", "")
		}), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: no tag", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", tagsOf(anyID), `{}`) }), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: an empty key", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", tagsOf(anyID), `{"tag":{"key":""}}`) }), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: a key of 129", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", tagsOf(anyID), `{"tag":{"key":"`+strings.Repeat("k", 129)+`"}}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: a key with an asterisk", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", tagsOf(anyID), `{"tag":{"key":"a*b"}}`) }), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: the system prefix", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", tagsOf(anyID), `{"tag":{"key":"_sys_a"}}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: a key ending in a space", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", tagsOf(anyID), `{"tag":{"key":"team "}}`) }), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: a value of 256", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", tagsOf(anyID), `{"tag":{"key":"k","value":"`+strings.Repeat("v", 256)+`"}}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "CreateSecretTag: an unknown secret id", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", tagsOf(anyID), `{"tag":{"key":"k"}}`) }), want: bad(404, "CSMS.0106")},
		{name: "BatchCreateOrDeleteTags: another action", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", tagsOf(anyID)+"/action", `{"action":"update","tags":[{"key":"k"}]}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "BatchCreateOrDeleteTags: no tags", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", tagsOf(anyID)+"/action", `{"action":"create","tags":[]}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "BatchCreateOrDeleteTags: 21 tags", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", tagsOf(anyID)+"/action", `{"action":"create","tags":[`+strings.Repeat(`{"key":"k"},`, 20)+`{"key":"k"}]}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "DeleteSecretTag: a key of 129", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "DELETE", tagsOf(anyID)+"/"+strings.Repeat("k", 129), "")
		}), want: bad(400, "CSMS.0002")},
		{name: "ListSecretTags: an unknown secret id", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "GET", tagsOf(anyID), "") }), want: bad(404, "CSMS.0106")},
		{name: "ListResourceInstances: another action", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", instances, `{"action":"sum"}`) }), want: bad(400, "CSMS.0002")},
		{name: "ListResourceInstances: a limit of 0", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", instances, `{"action":"filter","limit":"0"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "ListResourceInstances: a negative offset", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", instances, `{"action":"filter","offset":"-1"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "ListResourceInstances: 11 tag filters", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", instances, `{"action":"count","tags":[`+strings.Repeat(`{"key":"k"},`, 10)+`{"key":"k"}]}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "ListResourceInstances: a match on another field", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", instances, `{"action":"filter","matches":[{"key":"description","value":"x"}]}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "GenerateRandomPassword: length 0", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", passwords, `{"length":0}`) }), want: bad(400, "CSMS.0002")},
		{name: "GenerateRandomPassword: length 256", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", passwords, `{"length":256}`) }), want: bad(400, "CSMS.0002")},
		{name: "GenerateRandomPassword: nothing to draw from", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", passwords, `{"exclude_lowercase":true,"exclude_uppercase":true,"exclude_numbers":true,"exclude_punctuation":true}`)
		}), want: bad(400, "CSMS.0002")},

		// Bodies.
		{name: "10 MB body to CreateSecret", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, `{"name":"big","secret_string":"`+tenMB+`"}`)
		}), want: bad(400, "APIGW.0201")},
		{name: "10 MB blob to UploadSecretBlob", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+tenMB+`"}`)
		}), want: bad(400, "APIGW.0201")},
		{name: "10 MB chunked body", send: rq(func(t *testing.T) *http.Request {
			r := tokenReq(t, "POST", hp, `{"name":"big","secret_string":"`+tenMB+`"}`)
			r.ContentLength = -1 // sent chunked
			r.Body = io.NopCloser(strings.NewReader(`{"name":"big","secret_string":"` + tenMB + `"}`))
			return r
		}), want: bad(400, "APIGW.0201")},
		{name: "10 MB body without credentials", send: rq(func(t *testing.T) *http.Request {
			return newReq(t, "POST", hp, `{"name":"big","secret_string":"`+tenMB+`"}`, "Content-Type", "application/json")
		}), want: expect{status: 400, code: "APIGW.0201"}},
		{name: "10 MB body to the guarded admin API", send: rq(func(t *testing.T) *http.Request {
			return newReq(t, "POST", "/__admin/fixtures", tenMB)
		}), want: bad(401, "APIGW.0301")},
		{name: "a value of 32,769 characters", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, `{"name":"long","secret_string":"`+strings.Repeat("x", 32769)+`"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "invalid UTF-8 in a JSON string", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, "{\"name\":\"\xff\xfe\",\"secret_string\":\"x\"}")
		}), want: bad(400, "CSMS.0002")},
		{name: "duplicate keys, the last one invalid", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, `{"name":"dup-ok","secret_string":"x","name":"dup.bad"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "duplicate value fields", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/demo-secret/versions", `{"secret_string":"x","secret_binary":"eA==","secret_string":"y"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "JSON nested 100,000 deep", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, `{"name":"deep","secret_string":"x","description":`+deep+`}`)
		}), want: bad(400, "CSMS.0004")},
		{name: "JSON with trailing garbage", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, `{"name":"trail","secret_string":"x"}{"name":"second"}`)
		}), want: bad(400, "CSMS.0004")},
		{name: "a JSON array for an object", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, `[{"name":"arr","secret_string":"x"}]`)
		}), want: bad(400, "CSMS.0002")},
		{name: "JSON null for a body", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "POST", hp, `null`) }), want: bad(400, "CSMS.0002")},
		{name: "a byte-order mark before the JSON", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, "\ufeff"+`{"name":"bom","secret_string":"x"}`)
		}), want: bad(400, "CSMS.0004")},
		{name: "a number beyond float64", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/demo-secret/scheduled-deleted-tasks/create", `{"recovery_window_in_days":1e400}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "no body where one is required", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, "", "Content-Type", "application/json")
		}), want: bad(400, "CSMS.0004")},

		// Content types.
		{name: "text/plain body", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, `{"name":"ct","secret_string":"x"}`, "Content-Type", "text/plain")
		}), want: bad(400, "CSMS.0004")},
		{name: "form-encoded body", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, "name=ct&secret_string=x", "Content-Type", "application/x-www-form-urlencoded")
		}), want: bad(400, "CSMS.0004")},
		{name: "multipart body", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nct\r\n--b--\r\n", "Content-Type", "multipart/form-data; boundary=b")
		}), want: bad(400, "CSMS.0004")},
		{name: "YAML body", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, "name: ct\nsecret_string: x\n", "Content-Type", "application/yaml")
		}), want: bad(400, "CSMS.0004")},
		{name: "XML body", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp, "<secret><name>ct</name></secret>", "Content-Type", "application/xml")
		}), want: bad(400, "CSMS.0004")},
		{name: "JSON body without a content type", send: rq(func(t *testing.T) *http.Request {
			r := tokenReq(t, "POST", hp, `{"name":"ct","secret_string":"x"}`)
			r.Header.Del("Content-Type")
			return r
		}), want: bad(400, "CSMS.0004")},

		// Protocol.
		{name: "HTTP/1.0 with a bad name", send: raw("GET " + hp + "/bad.name HTTP/1.0\r\n" + tokH + "\r\n"), want: bad(400, "CSMS.0002")},
		{name: "HTTP/1.0 without credentials", send: raw("DELETE " + hp + "/demo-secret HTTP/1.0\r\n\r\n"), want: bad(401, "APIGW.0301")},
		{name: "absolute URI naming another host", send: raw("DELETE http://evil.example" + hp + "/demo-secret HTTP/1.1\r\nHost: evil.example\r\n\r\n"), want: bad(401, "APIGW.0301")},
		{name: "absolute URI with a bad name", send: raw("GET http://evil.example" + hp + "/a.b HTTP/1.1\r\nHost: h\r\n" + tokH + "\r\n"), want: bad(400, "CSMS.0002")},
		{name: "HTTP/2 preface on HTTP/1.1", send: raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), want: bad(404, "APIGW.0101")},
		{name: "unknown HTTP version", send: raw("GET " + hp + " HTTP/3.7\r\nHost: h\r\n\r\n"), want: expect{closeOnly: true}},
		{name: "method override header", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/demo-secret", "", "X-HTTP-Method-Override", "DELETE")
		}), want: bad(404, "APIGW.0101")},
		{name: "TRACE", send: rq(func(t *testing.T) *http.Request { return tokenReq(t, "TRACE", hp+"/demo-secret", "") }), want: bad(404, "APIGW.0101")},
		{name: "a lowercase method", send: raw("delete " + hp + "/demo-secret HTTP/1.1\r\nHost: h\r\n" + tokH + "\r\n"), want: bad(404, "APIGW.0101")},

		// Slow and half-sent requests.
		{name: "slow headers (one byte at a time)", slow: true, send: func(*testing.T, *hostileTarget) func(net.Conn) error {
			return func(c net.Conn) error {
				req := "GET " + hp + " HTTP/1.1\r\nHost: h\r\n" + tokH + "\r\n"
				for i := range len(req) {
					if _, err := c.Write([]byte{req[i]}); err != nil {
						return err
					}
					time.Sleep(100 * time.Millisecond)
				}
				return nil
			}
		}, want: expect{closeOnly: true}},
		{name: "headers never finished", slow: true, send: raw("GET " + hp + " HTTP/1.1\r\nHost: h\r\n" + tokH), want: expect{closeOnly: true}},
		{name: "headers cut, write side closed", slow: true, send: func(*testing.T, *hostileTarget) func(net.Conn) error {
			return func(c net.Conn) error {
				_, err := io.WriteString(c, "POST "+hp+" HTTP/1.1\r\nHost: h\r\nContent-Le")
				_ = c.(*net.TCPConn).CloseWrite()
				return err
			}
		}, want: expect{closeOnly: true}},
		{name: "body cut, write side closed", slow: true, send: func(*testing.T, *hostileTarget) func(net.Conn) error {
			return func(c net.Conn) error {
				_, err := io.WriteString(c, "POST "+hp+" HTTP/1.1\r\nHost: h\r\n"+tokH+"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":\"half\",")
				_ = c.(*net.TCPConn).CloseWrite()
				return err
			}
		}, want: expect{status: 400, code: "CSMS.0004", closed: true}},
		{name: "body never finished", slow: true, send: raw("POST " + hp + " HTTP/1.1\r\nHost: h\r\n" + tokH +
			"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name\":\"stall\","), want: expect{status: 400, code: "CSMS.0004", closed: true}},
		{name: "body trickled slower than the read timeout", slow: true, send: func(*testing.T, *hostileTarget) func(net.Conn) error {
			return func(c net.Conn) error {
				body := `{"name":"trickle","secret_string":"` + strings.Repeat("x", 40) + `"}`
				head := "POST " + hp + " HTTP/1.1\r\nHost: h\r\n" + tokH + "Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
				if _, err := io.WriteString(c, head); err != nil {
					return err
				}
				for i := range len(body) {
					if _, err := c.Write([]byte{body[i]}); err != nil {
						return err
					}
					time.Sleep(100 * time.Millisecond)
				}
				return nil
			}
		}, want: expect{status: 400, code: "CSMS.0004", closed: true}},

		// Credentials.
		{name: "signature dated an hour in the future", send: rq(func(t *testing.T) *http.Request {
			return signedReq(t, "DELETE", hp+"/demo-secret", "", now().Add(time.Hour))
		}), want: bad(401, "APIGW.0301")},
		{name: "signature dated 16 minutes in the future", send: rq(func(t *testing.T) *http.Request {
			return signedReq(t, "POST", hp+"/demo-secret/backup", "", now().Add(16*time.Minute))
		}), want: bad(401, "APIGW.0301")},
		{name: "signature dated 16 minutes ago", send: rq(func(t *testing.T) *http.Request {
			return signedReq(t, "POST", hp+"/demo-secret/backup", "", now().Add(-16*time.Minute))
		}), want: bad(401, "APIGW.0301")},
		{name: "signature dated in the year 9999", send: rq(func(t *testing.T) *http.Request {
			return signedReq(t, "GET", hp, "", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC))
		}), want: bad(401, "APIGW.0301")},
		{name: "signed body swapped", send: rq(func(t *testing.T) *http.Request {
			r := signedReq(t, "POST", hp, `{"name":"signed","secret_string":"x"}`, now())
			swapped := `{"name":"swapd","secret_string":"x"}`
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(swapped)), int64(len(swapped))
			return r
		}), want: bad(401, "APIGW.0301")},
		{name: "signature replayed on another path", send: rq(func(t *testing.T) *http.Request {
			r := signedReq(t, "DELETE", hp+"/other", "", now())
			r.URL.Path = hp + "/demo-secret"
			return r
		}), want: bad(401, "APIGW.0301")},
		{name: "signature with an unknown AK", send: rq(func(t *testing.T) *http.Request {
			r := newReq(t, "GET", hp, "")
			if err := aksk.Sign(r, "UNKNOWNAK00000000001", mock.DemoSK, now()); err != nil {
				t.Fatal(err)
			}
			return r
		}), want: bad(401, "APIGW.0301")},
		{name: "Authorization of another scheme", send: rq(func(t *testing.T) *http.Request {
			return newReq(t, "DELETE", hp+"/demo-secret", "", "Authorization", "Basic ZGVtbzpkZW1v")
		}), want: bad(401, "APIGW.0301")},
		{name: "the demo token on another project", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "DELETE", "/v1/ffeeddccbbaa99887766554433221100/secrets/demo-secret", "")
		}), want: bad(403, "APIGW.0302")},
		{name: "a fault header without credentials", send: rq(func(t *testing.T) *http.Request {
			return newReq(t, "DELETE", hp+"/demo-secret", "", "X-Mock-Fault", "delay=59s")
		}), want: bad(401, "APIGW.0301")},
		{name: "a fault header out of bounds", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "DELETE", hp+"/demo-secret", "", "X-Mock-Fault", "delay=1h")
		}), want: bad(400, "CSMS.0002")},
		{name: "admin API without its token", send: rq(func(t *testing.T) *http.Request {
			return newReq(t, "POST", "/__admin/reset", "")
		}), want: bad(401, "APIGW.0301")},
		{name: "admin API with a near-miss token", send: rq(func(t *testing.T) *http.Request {
			return newReq(t, "DELETE", "/__admin/journal", "", "Authorization", "Bearer hostile-admin-token-012345678")
		}), want: bad(401, "APIGW.0301")},
		{name: "admin API with the demo token", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", "/__admin/fixtures", "credentials: [{name: x, token: MIIsneaky-000000000000000000000000000, projects: ['*']}]")
		}), want: bad(401, "APIGW.0301")},

		// Blobs.
		{name: "blob from another mock's key", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+blobs.foreign+`"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "blob of another project", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+blobs.otherProject+`"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "blob sealed by this key, not a backup", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+blobs.notABackup+`"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "blob tampered", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+blobs.tampered+`"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "blob onto a name in use", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+blobs.ofDemo+`"}`)
		}), want: bad(400, "CSMS.0003")},
		{name: "the documented, truncated blob", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+blobs.documented+`"}`)
		}), want: bad(400, "CSMS.0002")},
		{name: "blob of 5,242,881 characters", send: rq(func(t *testing.T) *http.Request {
			return tokenReq(t, "POST", hp+"/restore", `{"secret_blob":"`+blob.Prefix+strings.Repeat("A", 5242881-len(blob.Prefix))+`"}`)
		}), want: bad(400, "CSMS.0002")},
	}
}

// hostileBlobs are the blobs of the blob cases.
type hostileBlobs struct {
	foreign, otherProject, notABackup, tampered, ofDemo, documented string
}

func makeHostileBlobs(t *testing.T, h *hostileTarget) *hostileBlobs {
	t.Helper()
	var b hostileBlobs
	// Another mock, with another key, seals its own secret.
	otherKey, err := fuzzKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := mock.New(func() mock.Config { c := mock.DefaultConfig(); c.BackupKey = otherKey; return c }())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", hp+"/demo-secret/backup", nil)
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	other.ServeHTTP(rec, req)
	b.foreign = blobOf(t, rec.Body.Bytes())

	k, err := blob.NewKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	if b.otherProject, err = k.Seal([]byte(`{"format":1,"project_id":"ffeeddccbbaa99887766554433221100","secret":{"name":"moved","state":"ENABLED","versions":[{"id":"v1","stages":["SYSCURRENT"],"value":{"string":"x"}}]}}`)); err != nil {
		t.Fatal(err)
	}
	if b.notABackup, err = k.Seal([]byte(`{"hello":"world"}`)); err != nil {
		t.Fatal(err)
	}
	res := h.call(t, "POST", hp+"/demo-secret/backup", "")
	b.ofDemo = blobOf(t, res)
	segs := strings.Split(strings.TrimPrefix(b.ofDemo, blob.Prefix), ".")
	ct := []byte(segs[3])
	ct[len(ct)/2] ^= 'A' ^ 'B'
	if ct[len(ct)/2] == segs[3][len(ct)/2] {
		t.Fatal("tampering failed")
	}
	segs[3] = string(ct)
	b.tampered = blob.Prefix + strings.Join(segs, ".")
	b.documented = blob.Prefix + "eyJraWQiOiI5ZjNlZmRjNS0zZjVlLTRiZWQtYThkMS05NjE2ZTUwNDQzYWIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiUlNBLU9BRVAtMjU2In0." +
		strings.Repeat("Q", 342) + "." + strings.Repeat("Q", 22) + "." + strings.Repeat("Q", 305)
	return &b
}

func blobOf(t *testing.T, body []byte) string {
	t.Helper()
	var out struct {
		Blob string `json:"secret_blob"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Blob == "" {
		t.Fatalf("no blob in %s", body)
	}
	return out.Blob
}

// call sends a well-formed request with the demo token and returns the 2xx body.
func (h *hostileTarget) call(t *testing.T, method, path, body string) []byte {
	t.Helper()
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode/100 != 2 {
		t.Fatalf("%s %s = %d %s", method, path, res.StatusCode, data)
	}
	return data
}

// snapshot is the whole store as the API shows it: every secret, every version's metadata and
// value.
func (h *hostileTarget) snapshot(t *testing.T) map[string]string {
	t.Helper()
	snap := map[string]string{}
	var list struct {
		Secrets []struct {
			Name string `json:"name"`
		} `json:"secrets"`
		PageInfo struct {
			Next string `json:"next_marker"`
		} `json:"page_info"`
	}
	marker := ""
	for {
		q := "?limit=200"
		if marker != "" {
			q += "&marker=" + marker
		}
		data := h.call(t, "GET", hp+q, "")
		if err := json.Unmarshal(data, &list); err != nil {
			t.Fatal(err)
		}
		snap["list "+marker] = string(data)
		for _, s := range list.Secrets {
			vdata := h.call(t, "GET", hp+"/"+s.Name+"/versions?limit=200", "")
			snap["versions "+s.Name] = string(vdata)
			var vl struct {
				Versions []struct {
					ID string `json:"id"`
				} `json:"version_metadatas"`
			}
			if err := json.Unmarshal(vdata, &vl); err != nil {
				t.Fatal(err)
			}
			for _, v := range vl.Versions {
				snap["version "+s.Name+" "+v.ID] = string(h.call(t, "GET", hp+"/"+s.Name+"/versions/"+v.ID, ""))
			}
		}
		if list.PageInfo.Next == "" {
			return snap
		}
		marker = list.PageInfo.Next
	}
}

// TestHostileInputs runs the table against one target; the slow cases run in parallel.
func TestHostileInputs(t *testing.T) {
	h := startHostileTarget(t)
	blobs := makeHostileBlobs(t, h)
	cases := hostileCases(blobs)
	if len(cases) < 40 {
		t.Fatalf("the table holds %d cases, want at least 40", len(cases))
	}
	initial := h.snapshot(t)
	t.Run("fast", func(t *testing.T) {
		for _, tc := range cases {
			if tc.slow {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				runHostileCase(t, h, tc, true)
			})
		}
	})
	t.Run("slow", func(t *testing.T) {
		for _, tc := range cases {
			if !tc.slow {
				continue
			}
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel() // they change nothing; the store is compared once all are done
				runHostileCase(t, h, tc, false)
			})
		}
	})
	if final := h.snapshot(t); !reflect.DeepEqual(initial, final) {
		t.Errorf("the store changed over the hostile table:\nbefore %v\nafter  %v", initial, final)
	}
}

func runHostileCase(t *testing.T, h *hostileTarget, tc hostileCase, compareStore bool) {
	t.Helper()
	var before map[string]string
	if compareStore {
		before = h.snapshot(t)
	}
	start := time.Now()
	o := h.exchange(t, tc.send(t, h))
	judge(t, tc.want, o)
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("the case took %s", d)
	}
	// The mock still serves …
	h.call(t, "GET", hp+"/"+mock.DemoSecretName, "")
	// … and its store is as it was.
	if compareStore {
		if after := h.snapshot(t); !reflect.DeepEqual(before, after) {
			t.Errorf("the store changed:\nbefore %v\nafter  %v", before, after)
		}
	}
}

// judge checks an outcome against what the case expects.
func judge(t *testing.T, want expect, o outcome) {
	t.Helper()
	if err := judgeErr(want, o); err != nil {
		t.Fatal(err)
	}
}

func judgeErr(want expect, o outcome) error {
	switch {
	case o.status == 0 && o.closed:
		if !want.closed && !want.closeOnly {
			return fmt.Errorf("the server closed the connection without answering (%v); want %d %s", o.err, want.status, want.code)
		}
	case o.status == 0:
		return fmt.Errorf("no answer and no clean close: %v", o.err)
	case isHTTPLayer(o):
		if !want.httpLayer && !want.closeOnly {
			return fmt.Errorf("net/http refused the request (%s); want the mock's %d %s", o, want.status, want.code)
		}
		if o.status < 400 || !o.closedAfter {
			return fmt.Errorf("net/http's refusal is not a 4xx/5xx followed by a close: %s", o)
		}
	default:
		if want.closeOnly {
			return fmt.Errorf("answered %s; want the connection refused and closed", o)
		}
		if o.status != want.status {
			return fmt.Errorf("status %d, want %d: %s", o.status, want.status, o)
		}
		if ct := o.header.Get("Content-Type"); ct != "application/json" {
			return fmt.Errorf("Content-Type %q, want application/json: %s", ct, o)
		}
		var e struct {
			Code string `json:"error_code"`
			Msg  string `json:"error_msg"`
		}
		if err := json.Unmarshal(o.body, &e); err != nil || e.Code == "" || len(e.Msg) < 2 {
			return fmt.Errorf("not the vendor's error body: %s", o)
		}
		if want.code != "" && e.Code != want.code {
			return fmt.Errorf("error_code %s, want %s: %s", e.Code, want.code, o)
		}
		if o.header.Get("X-Request-Id") == "" {
			return errors.New("no X-Request-Id")
		}
	}
	return nil
}

// isHTTPLayer tells net/http's own refusals (plain text, no X-Request-Id) from the mock's.
func isHTTPLayer(o outcome) bool {
	return o.status != 0 && o.header.Get("X-Request-Id") == "" && !strings.HasPrefix(o.header.Get("Content-Type"), "application/json")
}

// TestHostileConnectionFlood opens many connections that never finish their headers: each is
// closed at the header timeout, and the mock serves throughout.
func TestHostileConnectionFlood(t *testing.T) {
	h := startHostileTarget(t)
	const n = 200
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "GET "+hp+" HTTP/1.1\r\nHost: h\r\n")
		conns = append(conns, c)
	}
	h.call(t, "GET", hp+"/"+mock.DemoSecretName, "") // served while they hang
	deadline := time.Now().Add(10 * time.Second)
	var wg sync.WaitGroup
	closed := make(chan bool, n)
	for _, c := range conns {
		wg.Add(1)
		go func(c net.Conn) {
			defer wg.Done()
			defer c.Close()
			_ = c.SetReadDeadline(deadline)
			_, err := io.ReadAll(c)
			closed <- err == nil // EOF: the server closed it
		}(c)
	}
	wg.Wait()
	close(closed)
	for ok := range closed {
		if !ok {
			t.Fatal("a stalled connection was still open 10 s later")
		}
	}
	h.call(t, "GET", hp+"/"+mock.DemoSecretName, "")
}

// Regression tests of bugs this file found (fixed in ca13c1c).

// TestRefusedFixturesLeaveNothing: POST /__admin/fixtures answered 400 must change nothing, not
// even the credentials listed before the part that is refused.
func TestRefusedFixturesLeaveNothing(t *testing.T) {
	_, c := newMock(t, nil)
	fx := "credentials: [{name: sneaky, token: MIIsneaky-token-000000000000000000000, projects: ['*']}]\n" +
		"faults: [{id: bad, fault: \"status=418\"}]\n"
	req, _ := http.NewRequest("POST", c.url+"/__admin/fixtures", strings.NewReader(fx))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 400 {
		t.Fatalf("fixtures with a bad fault rule: %d, want 400", res.StatusCode)
	}
	if r := c.do("GET", base, "", creds{token: "MIIsneaky-token-000000000000000000000"}); r.status != 401 {
		t.Errorf("the credential of refused fixtures: %d, want 401", r.status)
	}
	if status, body := c.admin("GET", "/__admin/faults", "", ""); status != 200 || strings.Contains(string(body), `"bad"`) {
		t.Errorf("fault rules after refused fixtures: %d %s", status, body)
	}
}

// TestFixturesRefuseWhatTheContractForbids: what the loader accepts the mock serves, so it must
// refuse what the contract does not allow in a response.
func TestFixturesRefuseWhatTheContractForbids(t *testing.T) {
	long := strings.Repeat("d", 2049)
	for name, fx := range map[string]string{
		"description over 2048": "projects: [{id: " + mock.DemoProjectID + ", secrets: [{name: a, description: " + long + ", versions: [{value: x}]}]}]",
		"value over 32768":      "projects: [{id: " + mock.DemoProjectID + ", secrets: [{name: a, versions: [{value: " + strings.Repeat("v", 32769) + "}]}]}]",
		"stage with a space":    "projects: [{id: " + mock.DemoProjectID + ", secrets: [{name: a, versions: [{value: x, stages: ['a b']}]}]}]",
		"13 stages":             "projects: [{id: " + mock.DemoProjectID + ", secrets: [{name: a, versions: [{value: x, stages: [a,b,c,d,e,f,g,h,i,j,k,l,m]}]}]}]",
		"binary not base64":     "projects: [{id: " + mock.DemoProjectID + ", secrets: [{name: a, versions: [{binary: 'not base64!'}]}]}]",
		"kms_key_id over 64":    "projects: [{id: " + mock.DemoProjectID + ", secrets: [{name: a, kms_key_id: " + strings.Repeat("k", 65) + ", versions: [{value: x}]}]}]",
		"bad fault string":      "faults: [{id: f, fault: \"status=418\"}]",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := fixtures.Parse([]byte(fx)); err == nil {
				t.Errorf("fixtures.Parse accepts %s", name)
			}
		})
	}
}
