package indie

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// accountRoutes are the operations on the account, below /v1/csms/: their paths name no
// project, so a path there is never taken for a project named "csms".
var accountRoutes = []route{
	{"ShowSecretFunctionTemplates", http.MethodGet, "function-templates", (*Server).functionTemplates},
	{"CreateAgency", http.MethodPost, "agencies", (*Server).createAgency},
	{"ShowAgency", http.MethodGet, "agencies", (*Server).showAgency},
	{"ListUsers", http.MethodGet, "users", (*Server).listUsers},
	{"UpdateUserPassword", http.MethodPost, "users/change-password", (*Server).changePassword},
	{"ShowUserDetail", http.MethodGet, "users/{id}", (*Server).showUser},
}

// The secret types that rotate through FunctionGraph, and their engines ("" for none).
var rotatedTypes = map[string][]string{
	"RDS-FG":     {"mysql", "postgresql", "sqlserver"},
	"GaussDB-FG": {""},
}

// indieUser is one of the account's users; the server's credentials are the first one's.
type indieUser struct {
	id, name, password string
}

// newUsers are twelve users, so that ListUsers pages ten at a time have two pages.
func newUsers() []*indieUser {
	var users []*indieUser
	for i := 1; i <= 12; i++ {
		users = append(users, &indieUser{id: fmt.Sprintf("indie-user-id-%02d", i), name: fmt.Sprintf("indie-user-%02d", i),
			password: "indie-password-" + strconv.Itoa(i)})
	}
	return users
}

// functionTemplates answers the template of a documented secret type, sub-type and engine.
func (s *Server) functionTemplates(w http.ResponseWriter, q *request) {
	v := q.r.URL.Query()
	typ, sub, engine := v.Get("secret_type"), v.Get("secret_sub_type"), v.Get("engine")
	engines, known := rotatedTypes[typ]
	if s.defect == DefectTemplateEngineOptional && typ == "RDS-FG" && engine == "" {
		engine = "mysql"
	}
	switch {
	case !known:
		s.invalid(w, "secret_type is RDS-FG or GaussDB-FG.")
		return
	case sub != "SingleUser" && sub != "MultiUser":
		s.invalid(w, "secret_sub_type is SingleUser or MultiUser.")
		return
	case !slices.Contains(engines, engine):
		s.invalid(w, "engine is mandatory for RDS-FG (mysql, postgresql or sqlserver) and not supported otherwise.")
		return
	}
	t := "https://templates.indie.invalid/" + typ + "/" + sub
	if engine != "" {
		t += "/" + engine
	}
	if s.defect == DefectTemplateSame {
		t = "https://templates.indie.invalid/rotation"
	}
	s.json(w, http.StatusOK, map[string]any{"function_templates": t + ".zip"})
}

// createAgency creates the account's two agencies, once; a second call answers the same ones.
func (s *Server) createAgency(w http.ResponseWriter, q *request) {
	var req struct {
		SecretType string `json:"secret_type"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	if _, known := rotatedTypes[req.SecretType]; !known && s.defect != DefectAgencyAnyType {
		s.invalid(w, "secret_type is RDS-FG or GaussDB-FG.")
		return
	}
	var list []map[string]any
	for _, name := range []string{"csms_agency", "fgs_agency"} {
		id, ok := s.agencies[name]
		if !ok || s.defect == DefectAgencyRecreated {
			id = randomHex(16)
			s.agencies[name] = id
		}
		list = append(list, map[string]any{"agency_name": name, "agency_id": id})
	}
	s.granted[req.SecretType] = true
	s.json(w, http.StatusOK, map[string]any{"agencies": list})
}

// showAgency says whether the agencies were created for the secret type.
func (s *Server) showAgency(w http.ResponseWriter, q *request) {
	typ := q.r.URL.Query().Get("secret_type")
	if _, known := rotatedTypes[typ]; !known && s.defect != DefectAgencyAnyType {
		s.invalid(w, "secret_type is RDS-FG or GaussDB-FG.")
		return
	}
	granted := s.granted[typ] && s.defect != DefectAgencyNotGranted
	s.json(w, http.StatusOK, map[string]any{"agency_granted": strconv.FormatBool(granted)})
}

// listUsers answers page offset (from 0) of limit users (10 to 100) whose name holds user_info.
func (s *Server) listUsers(w http.ResponseWriter, q *request) {
	v := q.r.URL.Query()
	offset, errO := strconv.Atoi(v.Get("offset"))
	limit, errL := strconv.Atoi(v.Get("limit"))
	maxLimit := 100
	if s.defect == DefectUsersLimitUnbounded {
		maxLimit = 1000
	}
	if errO != nil || errL != nil || offset < 0 || limit < 10 || limit > maxLimit {
		s.invalid(w, "offset is a page number from 0 and limit is 10 to 100.")
		return
	}
	info := v.Get("user_info")
	if s.defect == DefectUsersFilterIgnored {
		info = ""
	}
	var matched []map[string]any
	for _, u := range s.users {
		if strings.Contains(u.name, info) {
			matched = append(matched, userBody(u))
		}
	}
	skip := offset * limit
	if s.defect == DefectUsersItemOffset {
		skip = offset
	}
	page := []map[string]any{}
	if skip < len(matched) {
		page = matched[skip:min(len(matched), skip+limit)]
	}
	s.json(w, http.StatusOK, map[string]any{"total": len(matched), "users": page})
}

// showUser answers the user the path names; 404 CSMS.0005 for an unknown one.
func (s *Server) showUser(w http.ResponseWriter, q *request) {
	for _, u := range s.users {
		if u.id == q.params["id"] {
			if s.defect == DefectUserDetailFirst {
				u = s.users[0]
			}
			s.json(w, http.StatusOK, userBody(u))
			return
		}
	}
	if s.defect == DefectUnknownUser200 {
		s.json(w, http.StatusOK, userBody(s.users[0]))
		return
	}
	s.unknownResource(w, "user")
}

// changePassword changes the password of the server's user, given the current one.
func (s *Server) changePassword(w http.ResponseWriter, q *request) {
	var req struct {
		Password    *string `json:"password"`
		OldPassword *string `json:"old_password"`
	}
	if !s.decode(w, q, &req) {
		return
	}
	u := s.users[0]
	switch {
	case req.Password == nil || *req.Password == "" || req.OldPassword == nil:
		s.invalid(w, "password and old_password are mandatory.")
		return
	case *req.OldPassword != u.password && s.defect != DefectPasswordAnyOld:
		s.invalid(w, "old_password is not the user's password.")
		return
	}
	u.password = *req.Password
	s.json(w, http.StatusOK, map[string]any{"user_id": u.id})
}

func userBody(u *indieUser) map[string]any {
	return map[string]any{"user_id": u.id, "user_name": u.name, "name": u.name, "disabled": false, "grade": 1}
}
