package conformance

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fake is a small CSMS that keeps the contract, written for the self-test only: the operations
// the suite uses, token auth, input validation, and backups as structurally correct JWEs that
// it recognises on restore. Each fault breaks exactly one thing, so that the self-test can
// check that the one check meant to notice it does.
type fake struct {
	fault     fault
	projectID string
	token     string

	mu      sync.Mutex
	secrets map[string]*fakeSecret
	// backups maps every blob issued to what it holds; byHeader does the same by protected
	// header (unique per blob, as its kid is), for the fault that ignores the ciphertext.
	backups  map[string]fakeSnapshot
	byHeader map[string]fakeSnapshot
	lastBlob map[string]string
}

// fault is one way the fake breaks the contract; the zero fault breaks nothing.
type fault string

// The faults, each named after what the target does wrong.
const (
	faultNone                 fault = ""
	faultBackupStatus201      fault = "backup answered 201"
	faultPlainTextErrors      fault = "errors in text/plain"
	faultNoErrorMsg           fault = "errors without error_msg"
	faultShortErrorCode       fault = "error_code of 7 characters"
	faultMisshapenErrorCode   fault = "error_code not shaped like CSMS.0106"
	faultEchoToken            fault = "the token echoed in the 401"
	faultNoRequestID          fault = "no X-Request-Id"
	faultBlobNoPrefix         fault = "blob without the prefix"
	faultBlobTruncated        fault = "blob with four JWE segments"
	faultBlobPadded           fault = "blob segments with padding"
	faultBlobWrongIV          fault = "blob with a 12-byte IV for A128CBC-HS256"
	faultBlobPlaintext        fault = "blob with the value in clear"
	faultBlobBase64Value      fault = "blob with the value in base64"
	faultBlobNoKid            fault = "blob header without kid"
	faultBlobSameEveryCall    fault = "the same blob every call"
	faultBlobDocumentedPrefix fault = "blob with the documented 33-character magic"
	faultBlobOversized        fault = "blob over 5242880 characters"
	faultBlobAsText           fault = "backup answered as text/plain"
	faultDottedName500        fault = "500 for a name with a dot"
	faultLongName200          fault = "200 for a 65-character name"
	faultNoInputValidation    fault = "no input validation"
	faultNoCredentialsOK      fault = "200 without credentials"
	faultAnyTokenOK           fault = "any token accepted"
	faultAnySignatureOK       fault = "any signature accepted"
	faultOtherProjectOK       fault = "another project's path allowed"
	faultUnknownRoute200      fault = "200 for an unknown route"
	faultUnknownSecret410     fault = "410 for an unknown secret"
	faultCreate201            fault = "CreateSecret answered 201"
	faultTamperedRestoreOK    fault = "tampered restore accepted"
	faultAnyBlobRestoreOK     fault = "any prefixed blob restored"
	faultAnyStringRestoreOK   fault = "any string restored"
	faultRestoreOverwrites    fault = "restore onto an existing secret accepted"
	faultRestoreDropsVersion  fault = "restore keeps only the current version"
	faultNoRestore            fault = "UploadSecretBlob not implemented"
	faultNoCreate             fault = "CreateSecret not implemented"
)

type fakeSecret struct {
	id       string
	created  int64
	versions []fakeVersion
}

type fakeVersion struct {
	ID      string   `json:"id"`
	Value   string   `json:"value"`
	Stages  []string `json:"stages"`
	Created int64    `json:"created"`
}

// fakeSnapshot is what a backup holds.
type fakeSnapshot struct {
	Name     string        `json:"name"`
	Versions []fakeVersion `json:"versions"`
}

var projectPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{32,64}$`)

func newFake(f fault) *fake {
	return &fake{
		fault:     f,
		projectID: "f0e1d2c3b4a5968778695a4b3c2d1e0f",
		token:     "MIIfake-token-" + randomHex(16),
		secrets:   map[string]*fakeSecret{},
		backups:   map[string]fakeSnapshot{},
		byHeader:  map[string]fakeSnapshot{},
		lastBlob:  map[string]string{},
	}
}

// seed adds a secret with one version, as if created earlier.
func (f *fake) seed(name, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addSecret(name, []fakeVersion{{ID: "v1", Value: value, Stages: []string{"SYSCURRENT"}, Created: now()}})
}

func now() int64 { return time.Now().UnixMilli() }

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fault != faultNoRequestID {
		w.Header().Set("X-Request-Id", randomHex(16))
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(segs) < 3 || segs[0] != "v1" || segs[2] != "secrets" {
		f.unknownRoute(w)
		return
	}
	project, rest := segs[1], segs[3:]
	op, name, versionID := route(r.Method, rest)
	if op == "" || (f.fault == faultNoRestore && op == "restore") || (f.fault == faultNoCreate && op == "create") {
		f.unknownRoute(w)
		return
	}
	if !projectPattern.MatchString(project) && f.fault != faultNoInputValidation {
		f.fail(w, http.StatusBadRequest, "CSMS.0002", "The value of parameter is invalid: project_id")
		return
	}
	if name != "" && !secretNamePattern.MatchString(name) {
		switch {
		case f.fault == faultDottedName500 && strings.Contains(name, "."):
			f.fail(w, http.StatusInternalServerError, "CSMS.0001", "Internal service error.")
			return
		case f.fault == faultLongName200 && len(name) == 65:
			f.writeJSON(w, http.StatusOK, map[string]string{"secret_blob": f.seal(name, nil)})
			return
		case f.fault != faultNoInputValidation:
			f.fail(w, http.StatusBadRequest, "CSMS.0002", "The value of parameter is invalid: secret_name")
			return
		}
	}
	if !f.authenticated(r) {
		msg := "Incorrect IAM authentication information: the credentials are not valid"
		if f.fault == faultEchoToken {
			msg = "Incorrect IAM authentication information: token " + r.Header.Get("X-Auth-Token") + " is not valid"
		}
		f.fail(w, http.StatusUnauthorized, "APIGW.0301", msg)
		return
	}
	if project != f.projectID && f.fault != faultOtherProjectOK {
		f.fail(w, http.StatusForbidden, "APIGW.0302", "The IAM user is not authorized to access the project.")
		return
	}
	switch op {
	case "create":
		f.create(w, r)
	case "restore":
		f.restore(w, r)
	default:
		s := f.secrets[name]
		if s == nil {
			status := http.StatusNotFound
			if f.fault == faultUnknownSecret410 {
				status = http.StatusGone
			}
			f.fail(w, status, "CSMS.0106", "The secret name not found int the db.")
			return
		}
		f.onSecret(w, r, op, name, versionID, s)
	}
}

// route names the operation of a request below /v1/{project_id}/secrets.
func route(method string, rest []string) (op, name, versionID string) {
	switch {
	case len(rest) == 0 && method == http.MethodPost:
		return "create", "", ""
	case len(rest) == 1 && rest[0] == "restore" && method == http.MethodPost:
		return "restore", "", ""
	case len(rest) == 1 && method == http.MethodDelete:
		return "delete", rest[0], ""
	case len(rest) == 2 && rest[1] == "backup" && method == http.MethodPost:
		return "backup", rest[0], ""
	case len(rest) == 2 && rest[1] == "versions" && method == http.MethodPost:
		return "add-version", rest[0], ""
	case len(rest) == 2 && rest[1] == "versions" && method == http.MethodGet:
		return "list-versions", rest[0], ""
	case len(rest) == 3 && rest[1] == "versions" && method == http.MethodGet:
		return "show-version", rest[0], rest[2]
	}
	return "", "", ""
}

func (f *fake) authenticated(r *http.Request) bool {
	token, authz := r.Header.Get("X-Auth-Token"), r.Header.Get("Authorization")
	switch {
	case token == f.token:
		return true
	case f.fault == faultNoCredentialsOK && token == "" && authz == "":
		return true
	case f.fault == faultAnyTokenOK && token != "":
		return true
	case f.fault == faultAnySignatureOK && strings.HasPrefix(authz, "SDK-HMAC-SHA256 "):
		return true
	}
	return false
}

func (f *fake) onSecret(w http.ResponseWriter, r *http.Request, op, name, versionID string, s *fakeSecret) {
	switch op {
	case "delete":
		delete(f.secrets, name)
		w.WriteHeader(http.StatusOK)
	case "backup":
		status := http.StatusOK
		if f.fault == faultBackupStatus201 {
			status = http.StatusCreated
		}
		blob := f.seal(name, s.versions)
		if f.fault == faultBlobAsText {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"secret_blob":%q}`, blob)
			return
		}
		f.writeJSON(w, status, map[string]string{"secret_blob": blob})
	case "add-version":
		var body struct {
			Value *string `json:"secret_string"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Value == nil {
			f.fail(w, http.StatusBadRequest, "CSMS.0004", "The requested body format is wrong.")
			return
		}
		for i := range s.versions {
			s.versions[i].Stages = nil
		}
		if n := len(s.versions); n > 0 {
			s.versions[n-1].Stages = []string{"SYSPREVIOUS"}
		}
		v := fakeVersion{ID: "v" + strconv.Itoa(len(s.versions)+1), Value: *body.Value, Stages: []string{"SYSCURRENT"}, Created: now()}
		s.versions = append(s.versions, v)
		f.writeJSON(w, http.StatusOK, map[string]any{"version_metadata": versionMetadata(name, v)})
	case "list-versions":
		list := []any{}
		for _, v := range s.versions {
			list = append(list, versionMetadata(name, v))
		}
		f.writeJSON(w, http.StatusOK, map[string]any{"version_metadatas": list, "page_info": map[string]int{"current_count": len(list)}})
	case "show-version":
		for _, v := range s.versions {
			if v.ID == versionID {
				f.writeJSON(w, http.StatusOK, map[string]any{"version": map[string]any{
					"version_metadata": versionMetadata(name, v), "secret_string": v.Value,
				}})
				return
			}
		}
		f.fail(w, http.StatusNotFound, "CSMS.0005", "The resource does not exist.")
	}
}

func versionMetadata(name string, v fakeVersion) map[string]any {
	stages := v.Stages
	if stages == nil {
		stages = []string{}
	}
	return map[string]any{"id": v.ID, "secret_name": name, "version_stages": stages, "create_time": v.Created}
}

func (f *fake) create(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name  string  `json:"name"`
		Value *string `json:"secret_string"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Value == nil || !secretNamePattern.MatchString(body.Name) {
		f.fail(w, http.StatusBadRequest, "CSMS.0002", "The value of parameter is invalid.")
		return
	}
	if f.secrets[body.Name] != nil {
		f.fail(w, http.StatusBadRequest, "CSMS.0003", "The request is invalid: the secret exists.")
		return
	}
	s := f.addSecret(body.Name, []fakeVersion{{ID: "v1", Value: *body.Value, Stages: []string{"SYSCURRENT"}, Created: now()}})
	status := http.StatusOK
	if f.fault == faultCreate201 {
		status = http.StatusCreated
	}
	f.writeJSON(w, status, map[string]any{"secret": secretJSON(body.Name, s)})
}

func (f *fake) addSecret(name string, vs []fakeVersion) *fakeSecret {
	s := &fakeSecret{id: randomHex(16), created: now(), versions: vs}
	f.secrets[name] = s
	return s
}

func secretJSON(name string, s *fakeSecret) map[string]any {
	return map[string]any{"id": s.id, "name": name, "state": "ENABLED", "create_time": s.created}
}

func (f *fake) restore(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Blob string `json:"secret_blob"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Blob == "" {
		f.fail(w, http.StatusBadRequest, "CSMS.0004", "The requested body format is wrong.")
		return
	}
	snap, ok := f.backups[body.Blob]
	if !ok && f.fault == faultTamperedRestoreOK {
		header, _, _ := strings.Cut(splitBlob(body.Blob).jwe, ".")
		snap, ok = f.byHeader[header]
	}
	if !ok && (f.fault == faultAnyBlobRestoreOK && strings.HasPrefix(body.Blob, blobPrefix) || f.fault == faultAnyStringRestoreOK) {
		snap = fakeSnapshot{Name: namePrefix + "restored-" + randomHex(4),
			Versions: []fakeVersion{{ID: "v1", Value: "restored", Stages: []string{"SYSCURRENT"}, Created: now()}}}
		ok = true
	}
	if !ok {
		f.fail(w, http.StatusBadRequest, "CSMS.0004", "The requested body format is wrong: not a backup of this service.")
		return
	}
	if f.secrets[snap.Name] != nil && f.fault != faultRestoreOverwrites {
		f.fail(w, http.StatusBadRequest, "CSMS.0003", "The request is invalid: a secret of that name exists.")
		return
	}
	vs := append([]fakeVersion(nil), snap.Versions...)
	if f.fault == faultRestoreDropsVersion && len(vs) > 1 {
		vs = vs[len(vs)-1:]
	}
	s := f.addSecret(snap.Name, vs)
	f.writeJSON(w, http.StatusOK, map[string]any{"secret": secretJSON(snap.Name, s)})
}

// seal makes a backup of a secret: the prefix with a 41-character magic (so the length byte
// matches) and a JWE whose segments have the sizes RSA-OAEP-256 and A128CBC-HS256 give. The
// bytes are random: the fake recognises its blobs by remembering them, not by decrypting.
func (f *fake) seal(name string, vs []fakeVersion) string {
	if last, ok := f.lastBlob[name]; ok && f.fault == faultBlobSameEveryCall {
		return last
	}
	snap := fakeSnapshot{Name: name, Versions: append([]fakeVersion(nil), vs...)}
	plain, _ := json.Marshal(snap)
	header := map[string]string{"alg": "RSA-OAEP-256", "enc": "A128CBC-HS256", "kid": randomHex(16)}
	if f.fault == faultBlobNoKid {
		delete(header, "kid")
	}
	headerJSON, _ := json.Marshal(header)
	iv := randomBytes(16)
	if f.fault == faultBlobWrongIV {
		iv = randomBytes(12)
	}
	ct := randomBytes((len(plain)/16 + 1) * 16)
	switch f.fault {
	case faultBlobPlaintext:
		ct = pad16(plain)
	case faultBlobBase64Value:
		ct = pad16([]byte(base64.StdEncoding.EncodeToString(plain)))
	case faultBlobOversized:
		ct = randomBytes((maxBlobChars*3/4/16 + 1) * 16)
	}
	enc := base64.RawURLEncoding
	if f.fault == faultBlobPadded {
		enc = base64.URLEncoding
	}
	segs := []string{
		enc.EncodeToString(headerJSON), enc.EncodeToString(randomBytes(256)),
		enc.EncodeToString(iv), enc.EncodeToString(ct), enc.EncodeToString(randomBytes(16)),
	}
	if f.fault == faultBlobTruncated {
		segs = segs[:4]
	}
	prefix := blobPrefix + ".example" // ")" is 41: the magic is 41 characters
	switch f.fault {
	case faultBlobNoPrefix:
		prefix = ""
	case faultBlobDocumentedPrefix:
		prefix = blobPrefix
	}
	blob := prefix + strings.Join(segs, ".")
	f.backups[blob] = snap
	f.byHeader[segs[0]] = snap
	f.lastBlob[name] = blob
	return blob
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// pad16 pads b with spaces to a whole number of 16-byte blocks.
func pad16(b []byte) []byte {
	return append(b, bytes.Repeat([]byte(" "), 16-len(b)%16)...)
}

func (f *fake) unknownRoute(w http.ResponseWriter) {
	if f.fault == faultUnknownRoute200 {
		f.writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	f.fail(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment.")
}

// fail writes the vendor's error body, or, with an error fault, a broken one.
func (f *fake) fail(w http.ResponseWriter, status int, code, msg string) {
	switch f.fault {
	case faultPlainTextErrors:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "%s: %s\n", code, msg)
		return
	case faultNoErrorMsg:
		f.writeJSON(w, status, map[string]string{"error_code": code})
		return
	case faultShortErrorCode:
		code = "KM.0001"
	case faultMisshapenErrorCode:
		code = strings.Replace(code, ".", "_", 1)
	}
	f.writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg})
}

func (f *fake) writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
