package indie

import (
	"net/http"
	"strings"
)

// route is one operation: its method, its path below /v1/{project_id}/ with {wildcards},
// and whether it works on a secret named in the path.
type route struct {
	operation, method, pattern string
	handle                     func(s *Server, w http.ResponseWriter, q *request)
}

// routes are the contract's operations on a project; accountRoutes (account.go) are those on
// the account. Literal segments win over wildcards: a path that
// matches a literal route is never taken for a wildcard's value.
// routes are the contract's 29 operations. Literal segments win over wildcards, the leftmost
// first: a path that matches a literal route is never taken for a wildcard's value, and
// csms/events/tags is an event's path, not a secret's tags.
var routes = []route{
	{"CreateSecret", http.MethodPost, "secrets", (*Server).createSecret},
	{"ListSecrets", http.MethodGet, "secrets", (*Server).listSecrets},
	{"UploadSecretBlob", http.MethodPost, "secrets/restore", (*Server).restore},
	{"ShowSecret", http.MethodGet, "secrets/{name}", onSecret((*Server).showSecret)},
	{"UpdateSecret", http.MethodPut, "secrets/{name}", onSecret((*Server).updateSecret)},
	{"DeleteSecret", http.MethodDelete, "secrets/{name}", onSecret((*Server).deleteSecret)},
	{"DownloadSecretBlob", http.MethodPost, "secrets/{name}/backup", onSecret((*Server).backup)},
	{"CreateSecretVersion", http.MethodPost, "secrets/{name}/versions", onSecret((*Server).addVersion)},
	{"ListSecretVersions", http.MethodGet, "secrets/{name}/versions", onSecret((*Server).listVersions)},
	{"ShowSecretVersion", http.MethodGet, "secrets/{name}/versions/{version}", onSecret((*Server).showVersion)},
	{"UpdateVersion", http.MethodPut, "secrets/{name}/versions/{version}", onSecret((*Server).updateVersion)},
	{"ShowSecretStage", http.MethodGet, "secrets/{name}/stages/{stage}", onSecret((*Server).showStage)},
	{"UpdateSecretStage", http.MethodPut, "secrets/{name}/stages/{stage}", onSecret((*Server).updateStage)},
	{"DeleteSecretStage", http.MethodDelete, "secrets/{name}/stages/{stage}", onSecret((*Server).deleteStage)},
	{"DeleteSecretForSchedule", http.MethodPost, "secrets/{name}/scheduled-deleted-tasks/create", onSecret((*Server).scheduleDeletion)},
	{"RestoreSecret", http.MethodPost, "secrets/{name}/scheduled-deleted-tasks/cancel", onSecret((*Server).cancelDeletion)},
	{"ListProjectSecretsTags", http.MethodGet, "csms/tags", (*Server).projectTags},
	{"GenerateRandomPassword", http.MethodPost, "csms/generate-password", (*Server).generatePassword},
	{"ListResourceInstances", http.MethodPost, "csms/resource_instances/action", (*Server).resourceInstances},
	{"ListSecretTags", http.MethodGet, "csms/{id}/tags", onTagged((*Server).listTags)},
	{"CreateSecretTag", http.MethodPost, "csms/{id}/tags", onTagged((*Server).createTag)},
	{"BatchCreateOrDeleteTags", http.MethodPost, "csms/{id}/tags/action", onTagged((*Server).batchTags)},
	{"DeleteSecretTag", http.MethodDelete, "csms/{id}/tags/{key}", onTagged((*Server).deleteTag)},
	{"CreateGrants", http.MethodPost, "csms/grants", (*Server).createGrant},
	{"ListGrants", http.MethodGet, "csms/grants", (*Server).listGrants},
	{"UpdateGrant", http.MethodPut, "csms/grants", (*Server).updateGrant},
	{"DeleteGrant", http.MethodDelete, "csms/grants", (*Server).deleteGrant},
	{"BatchImportSecrets", http.MethodPost, "secrets/batch-import", (*Server).batchImport},
	{"CheckSecrets", http.MethodPost, "secrets/checker/check", (*Server).checkSecrets},
	{"ShowSecretsConfig", http.MethodGet, "secrets/checker/config", (*Server).showCheckerConfig},
	{"UpdateSecretsConfig", http.MethodPost, "secrets/checker/config", (*Server).updateCheckerConfig},
	{"RotateSecret", http.MethodPost, "secrets/{name}/rotate", onSecret((*Server).rotate)},
	{"ListSecretTask", http.MethodGet, "csms/tasks", (*Server).listTasks},
	{"CreateSecretEvent", http.MethodPost, "csms/events", (*Server).createEvent},
	{"ListSecretEvents", http.MethodGet, "csms/events", (*Server).listEvents},
	{"ShowSecretEvent", http.MethodGet, "csms/events/{event}", onEvent((*Server).showEvent)},
	{"UpdateSecretEvent", http.MethodPut, "csms/events/{event}", onEvent((*Server).updateEvent)},
	{"DeleteSecretEvent", http.MethodDelete, "csms/events/{event}", onEvent((*Server).deleteEvent)},
	{"ListNotificationRecords", http.MethodGet, "csms/notification-records", (*Server).listNotices},
}

// match reports whether segs fit the pattern, with a weight of its literal segments (the
// further left, the heavier: one outweighs all those after it) and the wildcards' values.
func match(pattern string, segs []string) (literals int, params map[string]string, ok bool) {
	parts := strings.Split(pattern, "/")
	if len(parts) != len(segs) {
		return 0, nil, false
	}
	params = map[string]string{}
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			params[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return 0, nil, false
		}
		literals += 1 << (len(parts) - i)
	}
	return literals, params, true
}

// route answers a request with the operation its method and path name: among the routes (of
// the project, or of the account) of that method whose path fits, the one with the most literal segments; 405 when only routes
// route answers a request with the operation its method and path name: among the routes of
// that method whose path fits, the one whose literal segments weigh most; 405 when only routes
// of other methods fit (or the operation is one the server lacks), 404 APIGW.0101 when no
// path fits.
func (s *Server) route(w http.ResponseWriter, q *request, table []route) {
	var chosen *route
	best := -1
	var allow []string
	for i, rt := range table {
		n, params, ok := match(rt.pattern, q.segs)
		if !ok {
			continue
		}
		if rt.method != q.r.Method {
			allow = append(allow, rt.method)
			continue
		}
		if n > best {
			best, chosen, q.params = n, &table[i], params
		}
	}
	switch {
	case chosen != nil && !s.lacks(chosen.operation):
		chosen.handle(s, w, q)
	case chosen != nil || len(allow) > 0:
		s.notAllowed(w, allow)
	default:
		s.noAPI(w)
	}
}

// onSecret wraps an operation on the secret the path names: the name must follow the API's
// rule and the secret must exist.
func onSecret(h func(s *Server, w http.ResponseWriter, q *request, name string, sec *secret)) func(*Server, http.ResponseWriter, *request) {
	return func(s *Server, w http.ResponseWriter, q *request) {
		name := q.params["name"]
		if !s.names.MatchString(name) {
			switch {
			case s.defect == DefectBadName500 && strings.Contains(name, "."):
				s.fail(w, http.StatusInternalServerError, "CSMS.0001", "Something went wrong on our side.")
			case s.defect == DefectLongName200 && len(name) == 65 && q.segs[len(q.segs)-1] == "backup":
				s.backup(w, q, name, &secret{})
			default:
				s.invalid(w, "secret_name must match ^[a-zA-Z0-9_-]{1,64}$.")
			}
			return
		}
		sec := s.secrets[name]
		if sec == nil && q.r.Method == http.MethodGet && q.params["version"] != "" {
			for _, g := range s.ghosts {
				if g.name == name {
					sec = g.sec
				}
			}
		}
		if sec == nil {
			s.unknownSecret(w)
			return
		}
		h(s, w, q, name, sec)
	}
}

// onTagged wraps an operation on the secret whose id the path names.
func onTagged(h func(s *Server, w http.ResponseWriter, q *request, sec *secret)) func(*Server, http.ResponseWriter, *request) {
	return func(s *Server, w http.ResponseWriter, q *request) {
		for _, sec := range s.secrets {
			if sec.id == q.params["id"] {
				h(s, w, q, sec)
				return
			}
		}
		if s.defect == DefectTagsUnknownEmpty && q.r.Method == http.MethodGet {
			s.listTags(w, q, &secret{})
			return
		}
		s.unknownSecret(w)
	}
}
