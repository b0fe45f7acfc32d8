package indie

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The rules of the secret operations, from the reference pages and the SDK's models.
const (
	// quota is the most secrets a project holds (the user guide).
	quota = 500
	// maxValueChars bounds secret_string and secret_binary (32K).
	maxValueChars = 32768
	// maxDescriptionChars bounds a description (2048 bytes).
	maxDescriptionChars = 2048
	// defaultKMSKey is the key a secret is protected with when the request names none.
	defaultKMSKey = "indie-csms-default-key"
)

// States of a secret.
const (
	stateEnabled       = "ENABLED"
	statePendingDelete = "PENDING_DELETE"
)

// secret is one secret: its metadata, its versions in creation order, its stages and tags.
type secret struct {
	id          string
	created     int64
	updated     int64
	description *string
	// firstDescription is the description the secret was created with.
	firstDescription *string
	kmsKeyID         string
	secretType       string
	state            string
	// deleteAt is when a scheduled deletion is due; 0 when none is scheduled.
	deleteAt int64
	// extra holds the rotation and event fields as they were sent.
	extra    map[string]json.RawMessage
	versions []version
	// nextVersion numbers the next version; stageTimes say when each stage last moved.
	nextVersion int
	stageTimes  map[string]int64
	tags        []tag
}

type version struct {
	ID      string   `json:"id"`
	Value   string   `json:"value"`
	Binary  bool     `json:"binary,omitempty"`
	Stages  []string `json:"stages"`
	Created int64    `json:"created"`
	Expire  *int64   `json:"expire,omitempty"`
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// extraFields are the Secret fields kept and returned as sent.
var extraFields = []string{"enterprise_project_id", "auto_rotation", "rotation_period", "rotation_config",
	"event_subscriptions", "rotation_func_urn"}

// secretJSON is a Secret as the reference pages describe it; an unscheduled deletion is null.
func (s *Server) secretJSON(name string, sec *secret) map[string]any {
	m := map[string]any{
		"id": sec.id, "name": name, "state": sec.state, "secret_type": sec.secretType, "kms_key_id": sec.kmsKeyID,
		"create_time": sec.created, "update_time": sec.updated, "scheduled_delete_time": nil,
	}
	if sec.description != nil {
		m["description"] = *sec.description
	}
	if sec.deleteAt != 0 {
		m["scheduled_delete_time"] = sec.deleteAt
	}
	for k, v := range sec.extra {
		m[k] = v
	}
	return m
}

// valueBody is the value part of CreateSecret and CreateSecretVersion: exactly one of
// secret_string and secret_binary.
type valueBody struct {
	String *string `json:"secret_string"`
	Binary *string `json:"secret_binary"`
}

// value returns the value and whether it is binary; ok is false when the body breaks the rule.
func (b valueBody) value() (v string, binary, ok bool) {
	switch {
	case (b.String == nil) == (b.Binary == nil):
		return "", false, false
	case b.String != nil:
		return *b.String, false, utf8.RuneCountInString(*b.String) <= maxValueChars
	default:
		return *b.Binary, true, len(*b.Binary) <= maxValueChars
	}
}

// refusal is why a request cannot be served: the status, code and message to answer.
type refusal struct {
	status    int
	code, msg string
}

// admit builds the secret a CreateSecret body describes, or says why the project cannot take
// it. It stores nothing.
func (s *Server) admit(body []byte) (string, *secret, *refusal) {
	var req struct {
		valueBody
		Name        string  `json:"name"`
		Description *string `json:"description"`
		KMSKeyID    string  `json:"kms_key_id"`
		SecretType  string  `json:"secret_type"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return "", nil, &refusal{http.StatusBadRequest, "CSMS.0004", "The body is not the JSON this operation takes."}
	}
	if s.defect == DefectBothValuesAccepted && req.String != nil {
		req.Binary = nil
	}
	value, binary, ok := req.value()
	invalid := func(msg string) *refusal { return &refusal{http.StatusBadRequest, "CSMS.0002", msg} }
	switch {
	case !s.names.MatchString(req.Name):
		return "", nil, invalid("name must match ^[a-zA-Z0-9_-]{1,64}$.")
	case !ok:
		return "", nil, invalid("Give exactly one of secret_string and secret_binary, of at most 32,768 characters.")
	case req.Description != nil && len(*req.Description) > maxDescriptionChars:
		return "", nil, invalid("description is longer than 2,048 bytes.")
	case !slices.Contains([]string{"", "COMMON", "RDS-FG", "GaussDB-FG"}, req.SecretType):
		return "", nil, invalid("secret_type is COMMON, RDS-FG or GaussDB-FG.")
	case s.secrets[req.Name] != nil && s.defect != DefectNameInUseReplaces:
		return "", nil, invalid("A secret of that name exists.")
	case len(s.secrets) >= quota && s.defect != DefectNoQuota:
		return "", nil, &refusal{http.StatusBadRequest, "CSMS.0202", "The project holds 500 secrets, the most it may."}
	}
	now := nowMillis()
	sec := &secret{id: uuid(), created: now, updated: now, description: req.Description, firstDescription: req.Description, kmsKeyID: req.KMSKeyID,
		secretType: req.SecretType, state: stateEnabled, extra: extraOf(body), stageTimes: map[string]int64{}}
	if sec.kmsKeyID == "" {
		sec.kmsKeyID = defaultKMSKey
	}
	if sec.secretType == "" {
		sec.secretType = "COMMON"
	}
	sec.add(value, binary, []string{stageCurrent}, s.defect)
	return req.Name, sec, nil
}

func (s *Server) createSecret(w http.ResponseWriter, q *request) {
	name, sec, no := s.admit(q.body)
	if no != nil {
		s.fail(w, no.status, no.code, no.msg)
		return
	}
	s.secrets[name] = sec
	status := http.StatusOK
	if s.defect == DefectCreate201 {
		status = http.StatusCreated
	}
	answer := s.secretJSON(name, sec)
	if s.defect == DefectCreateNoDescription {
		delete(answer, "description")
	}
	s.json(w, status, map[string]any{"secret": answer})
}

// extraOf returns the fields of a body that are kept as sent.
func extraOf(body []byte) map[string]json.RawMessage {
	var all map[string]json.RawMessage
	_ = json.Unmarshal(body, &all)
	out := map[string]json.RawMessage{}
	for _, k := range extraFields {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out
}

func uuid() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) showSecret(w http.ResponseWriter, _ *request, name string, sec *secret) {
	answer := s.secretJSON(name, sec)
	if i := sec.holder(stageCurrent); i >= 0 && s.defect == DefectShowSecretValue {
		answer["current_value"] = sec.versions[i].Value
	}
	s.json(w, http.StatusOK, map[string]any{"secret": answer})
}

func (s *Server) updateSecret(w http.ResponseWriter, q *request, name string, sec *secret) {
	var req struct {
		Description *string `json:"description"`
		KMSKeyID    *string `json:"kms_key_id"`
	}
	if !s.decode(w, q, &req) || !s.enabled(w, sec) {
		return
	}
	if req.Description != nil && len(*req.Description) > maxDescriptionChars {
		s.invalid(w, "description is longer than 2,048 bytes.")
		return
	}
	if req.Description != nil {
		sec.description = req.Description
	}
	if req.KMSKeyID != nil {
		sec.kmsKeyID = *req.KMSKeyID
	}
	for k, v := range extraOf(q.body) {
		sec.extra[k] = v
	}
	if i := sec.holder(stageCurrent); i >= 0 && s.defect == DefectUpdateAddsVersion {
		sec.add(sec.versions[i].Value, sec.versions[i].Binary, []string{stageCurrent}, s.defect)
	}
	sec.updated = nowMillis()
	s.json(w, http.StatusOK, map[string]any{"secret": s.secretJSON(name, sec)})
}

// enabled reports whether the secret is ENABLED, having answered 403 CSMS.0109 when it is not:
// only an enabled secret's values are read, added to or changed.
func (s *Server) enabled(w http.ResponseWriter, sec *secret) bool {
	if sec.state != stateEnabled && s.defect != DefectPendingReadable {
		s.fail(w, http.StatusForbidden, "CSMS.0109", "The secret is not enabled.")
		return false
	}
	return true
}

func (s *Server) deleteSecret(w http.ResponseWriter, _ *request, name string, _ *secret) {
	switch s.defect {
	case DefectDeleteKeeps:
	case DefectDeleteKeepsVer:
		// The name is gone from the index, but its versions still answer.
		s.ghosts = append(s.ghosts, ghost{name, s.secrets[name]})
		delete(s.secrets, name)
	default:
		delete(s.secrets, name)
	}
	w.WriteHeader(http.StatusOK)
}

// limitPattern is ListSecrets' rule for limit, a string of 1 to 1000.
var limitPattern = regexp.MustCompile(`^([1-9][0-9]{0,2}|1000)$`)

// listSecrets answers the project's secrets in name order, limit (default 50) after marker.
func (s *Server) listSecrets(w http.ResponseWriter, q *request) {
	query := q.r.URL.Query()
	limit := 50
	if v := query.Get("limit"); query.Has("limit") {
		if !limitPattern.MatchString(v) && (s.defect != DefectListLimitUnbounded || v != "1001") {
			s.invalid(w, "limit is a number from 1 to 1000.")
			return
		}
		limit, _ = strconv.Atoi(v)
	}
	marker := query.Get("marker")
	if query.Has("marker") && marker == "" && s.defect == DefectEmptyMarkerRefused {
		s.invalid(w, "marker is the name of a secret.")
		return
	}
	var names []string
	for name := range s.secrets {
		if name > marker || name == marker && s.defect == DefectListRepeats {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if marker != "" && len(names) > 0 && s.defect == DefectListSkips {
		names = names[1:]
	}
	page := names[:min(limit, len(names))]
	list := []any{}
	for _, name := range page {
		sec := s.secrets[name]
		m := s.secretJSON(name, sec)
		if s.defect == DefectListStaleDescription && sec.firstDescription != nil {
			m["description"] = *sec.firstDescription
		}
		list = append(list, m)
	}
	info := map[string]any{"current_count": len(page)}
	if s.defect == DefectListCountAll {
		info["current_count"] = len(s.secrets)
	}
	if len(names) > len(page) || len(page) > 0 && s.defect == DefectListNextOnLast {
		info["next_marker"] = page[len(page)-1]
	}
	s.json(w, http.StatusOK, map[string]any{"secrets": list, "page_info": info})
}
