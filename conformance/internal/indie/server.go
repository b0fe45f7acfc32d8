// Package indie is a second CSMS server, written from the vendor's documents and the
// contract's operation descriptions rather than from csmskit's mock, for testing the
// conformance suite: a suite that passes only the mock it was written with proves little. It
// serves every operation of the contract. Where the documents disagree it takes the side the
// mock does not: 400 CSMS.0106 for an unknown secret, 404 CSMS.0005 for an unknown version
// or stage, 400 CSMS.0301 for refused credentials, null for an unscheduled deletion, a
// gateway's 403 for a project its credentials do not cover, 403 CSMS.0109 for reading a
// secret pending deletion, 200 from DeleteSecretStage (the older edition), a new version
// that always becomes SYSCURRENT (the API reference's reading), a narrower punctuation set
// for passwords, 404 CSMS.0005 for an unknown user, agencies listed again without an
// error_msg, and a backup magic that its length byte announces. It uses the standard
// library and go-jose only, can lack operations on request, and can be broken on purpose,
// one Defect at a time.
// for passwords, a backup magic that its length byte announces, and 404 CSMS.0005 for an
// unknown event. It keeps the notification records events leave, and sends nothing. It uses
// the standard library and go-jose only, can lack operations on request, and can be broken
// on purpose, one Defect at a time.
package indie

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// The server's one identity: a project, a token and an access key pair.
const (
	ProjectID = "5e1d0c9b8a7f6e5d4c3b2a1908f7e6d5"
	Token     = "MIIindie-token-7f3a9c1e5b2d8f4a6c0e9b3d7a1f5c2e"
	AK        = "INDIEAKZ7Q2M4X8K1P5W"
	SK        = "indieSecretKeyR7t2Yp9Lm4Qx8Vz1Nc6Bw3Hd5Fg0"
)

var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// dottedNamePattern is the rule of the one regional CreateSecret page (and the console) that
// also allows '.', the other side of a documented conflict.
var dottedNamePattern = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,64}$`)

// Server is the independent CSMS.
type Server struct {
	defect Defect
	names  *regexp.Regexp
	key    *rsa.PrivateKey
	kid    string
	// lacking are the operations the server answers 405, as a service without them would.
	lacking []string

	mu      sync.Mutex
	secrets map[string]*secret
	// issued remembers blobs (and encrypted keys) for the defects that need them.
	issued map[string]snapshot
	last   map[string]string
	// ghosts are deleted secrets whose versions still answer, under DefectDeleteKeepsVer.
	ghosts []ghost
	// headerCache is DefectHeadersUnsigned's memory of signed header values.
	headerCache map[string]string
	// passwords are those answered, by request body, for DefectSamePassword.
	passwords map[string]string
	// agencies are the account's agencies by name (their IDs), granted the secret types they
	// were created for, users the account's users.
	agencies map[string]string
	granted  map[string]bool
	users    []*indieUser
	// grants are the grants of each secret, by its id, in the order they were made.
	grants map[string][]grant
	// checking says whether secret strength checking is on.
	checking bool
	// tasks are the rotations made, oldest first.
	tasks []task
	// events are the project's events by name; notices the notification records they left.
	events  map[string]*event
	notices []notice
}

type ghost struct {
	name string
	sec  *secret
}

// AcceptDots makes the server take the other side of the secret_name conflict: names may hold
// a '.', as one regional page and the console allow. It is not a defect.
func (s *Server) AcceptDots() { s.names = dottedNamePattern }

// Lack makes the server answer the named operations (operationIds of the contract) 405, as a
// service that does not offer them. It is not a defect.
func (s *Server) Lack(operations ...string) { s.lacking = append(s.lacking, operations...) }

// New returns a server with one defect (DefectNone for none) and a fresh RSA-2048 key.
func New(d Defect) (*Server, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	return &Server{
		defect: d, names: namePattern, key: key, kid: "indie-" + randomHex(8),
		headerCache: map[string]string{}, secrets: map[string]*secret{}, issued: map[string]snapshot{}, last: map[string]string{},
		passwords: map[string]string{}, agencies: map[string]string{}, granted: map[string]bool{}, users: newUsers(),
		grants: map[string][]grant{},
		events: map[string]*event{},
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func nowMillis() int64 { return time.Now().UnixMilli() }

// ServeHTTP answers as the API gateway and the service behind it would: credentials first,
// then the project (unless the path is one of the account's, below /v1/csms/), then the
// operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.defect != DefectNoRequestID {
		w.Header().Set("X-Request-Id", randomHex(16))
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 6<<20))
	if code, status, msg := s.authenticate(r, body); status != 0 {
		s.fail(w, status, code, msg)
		return
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(segs) >= 3 && segs[0] == "v1" && segs[1] == "csms" {
		// An operation on the account: its path names no project.
		s.route(w, &request{r: r, body: body, segs: segs[2:]}, accountRoutes)
		return
	}
	if len(segs) < 3 || segs[0] != "v1" || (segs[2] != "secrets" && segs[2] != "csms") {
		if s.defect == DefectUnknownRoute200 {
			s.json(w, http.StatusOK, map[string]any{})
			return
		}
		s.noAPI(w)
		return
	}
	project := segs[1]
	if s.defect == DefectMalformedProject500 && strings.Contains(project, "!") {
		s.fail(w, http.StatusInternalServerError, "CSMS.0001", "Something went wrong on our side.")
		return
	}
	if project != ProjectID && s.defect != DefectOtherProjectOK {
		s.fail(w, http.StatusForbidden, "APIGW.0302", "These credentials do not cover the project in the path.")
		return
	}
	s.route(w, &request{r: r, body: body, segs: segs[2:]}, routes)
}

// authenticate returns a refusal (status not 0) unless the request carries the server's token
// or a valid signature with its AK/SK.
func (s *Server) authenticate(r *http.Request, body []byte) (code string, status int, msg string) {
	token, authz := r.Header.Get("X-Auth-Token"), r.Header.Get("Authorization")
	switch {
	case token == "" && authz == "":
		if s.defect == DefectNoCredentialsOK {
			return "", 0, ""
		}
		return "APIGW.0301", http.StatusUnauthorized, "Authentication required: send X-Auth-Token or sign the request."
	case token != "":
		if token == Token || s.defect == DefectAnyToken {
			return "", 0, ""
		}
		msg := "The token is not valid."
		if s.defect == DefectEchoToken {
			msg = "The token " + token + " is not valid."
		}
		return "CSMS.0301", http.StatusBadRequest, msg
	}
	a, err := parseAuthorization(authz)
	if err == nil && a.ak != AK {
		err = fmt.Errorf("unknown access key")
	}
	if err == nil {
		err = verifySignature(r, a, SK, body, time.Now(), s.defect, s.headerCache)
	}
	if err != nil {
		return "CSMS.0301", http.StatusBadRequest, "The signature is not valid: " + err.Error() + "."
	}
	return "", 0, ""
}

// request is one request to an operation: the HTTP request, its body, the path's segments
// from "secrets" or "csms" on, and the values of the route's wildcards.
type request struct {
	r      *http.Request
	body   []byte
	segs   []string
	params map[string]string
}

// decode reads the body into v; it reports false (having answered 400) when it cannot.
func (s *Server) decode(w http.ResponseWriter, q *request, v any) bool {
	if err := json.Unmarshal(q.body, v); err != nil {
		s.fail(w, http.StatusBadRequest, "CSMS.0004", "The body is not the JSON this operation takes.")
		return false
	}
	return true
}

// noAPI is the gateway's answer to a path and method it publishes no API for.
func (s *Server) noAPI(w http.ResponseWriter) {
	s.fail(w, http.StatusNotFound, "APIGW.0101", "No API matches this method and path.")
}

func (s *Server) notAllowed(w http.ResponseWriter, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	s.fail(w, http.StatusMethodNotAllowed, "APIGW.0102", "This server does not offer that operation.")
}

// unknownSecret answers a request for a secret that does not exist.
func (s *Server) unknownSecret(w http.ResponseWriter) {
	status := http.StatusBadRequest
	if s.defect == DefectUnknownSecret410 {
		status = http.StatusGone
	}
	s.fail(w, status, "CSMS.0106", "No secret of that name in this project.")
}

// unknownResource answers a request for a version or stage that does not exist.
func (s *Server) unknownResource(w http.ResponseWriter, what string) {
	s.fail(w, http.StatusNotFound, "CSMS.0005", "No "+what+" of that name.")
}

// invalid answers a request that breaks a documented rule.
func (s *Server) invalid(w http.ResponseWriter, msg string) {
	s.fail(w, http.StatusBadRequest, "CSMS.0002", msg)
}

// fail writes the vendor's error body, or a broken one under an error-body defect.
func (s *Server) fail(w http.ResponseWriter, status int, code, msg string) {
	switch s.defect {
	case DefectErrorsPlainText:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "%s %s\n", code, msg)
		return
	case DefectNoErrorMsg:
		s.json(w, status, map[string]any{"error_code": code})
		return
	case DefectNullErrorMessage:
		s.json(w, status, map[string]any{"error_code": code, "error_msg": nil})
		return
	case DefectShortErrorCode:
		// The gateway's codes only: the service's CSMS.* codes are read by clients.
		code = strings.Replace(code, "APIGW.", "GW.", 1)
	case DefectMisshapenCode:
		code = strings.Replace(code, "APIGW.", "apigw-", 1)
	}
	s.json(w, status, map[string]any{"error_code": code, "error_msg": msg})
}

func (s *Server) json(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// lacks reports whether the server was told to lack an operation.
func (s *Server) lacks(operation string) bool { return slices.Contains(s.lacking, operation) }

// Names returns the names of the secrets the server holds, in no order.
func (s *Server) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name := range s.secrets {
		out = append(out, name)
	}
	return out
}
