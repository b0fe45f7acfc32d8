package mock

import (
	"errors"
	"maps"
	"net/http"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/fixtures"
	"github.com/csmskit/csmskit/mock/secrets"
	"github.com/csmskit/csmskit/recording"
)

// errUnguardedValues refuses an export of values from an admin API anyone may call.
var errUnguardedValues = errors.New("values are exported only when the admin API is guarded (--admin-token)")

// stateExportRoutes: GET /__admin/state answers the state as a fixtures file; ?values=true adds the
// secrets' values and the credentials, and needs a guarded admin API.
func (s *Server) stateExportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /__admin/state", func(w http.ResponseWriter, r *http.Request) {
		values := r.URL.Query().Get("values") == "true"
		if values && s.adminToken == "" {
			s.writeError(w, refused(unguardedValues, errUnguardedValues.Error()))
			return
		}
		fx, err := s.stateExport(values)
		if err != nil {
			s.adminFailed(w, "state export", err)
			return
		}
		out, err := yaml.Marshal(fx)
		if err != nil {
			s.adminFailed(w, "state export", err)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(out)
	})
}

// stateExport returns the mock's whole state as a fixtures file: the projects with their secrets
// (versions, stages, tags, settings, states and grants), a project's secret strength checking
// when it is off, and the fault rules. Loading it into a fresh mock
// gives the same secrets. With values, it also holds the secrets' values and the credentials
// and users the mock accepts; without, each value is recording.Redacted and the credentials,
// which all carry a secret, are left out.
func (s *Server) stateExport(values bool) (*fixtures.Fixtures, error) {
	all, err := s.service.Export()
	if err != nil {
		return nil, err
	}
	events, err := s.service.ExportEvents()
	if err != nil {
		return nil, err
	}
	for id := range events {
		if _, ok := all[id]; !ok {
			all[id] = nil // a project with events and no secret
		}
	}
	names := map[string]string{}
	for _, p := range s.auth.ProjectsOf(auth.Principal{Projects: []string{auth.AnyProject}}, "") {
		names[p.ID] = p.Name
	}
	fx := &fixtures.Fixtures{}
	for _, id := range slices.Sorted(maps.Keys(all)) {
		p := fixtures.Project{ID: id, Name: names[id]}
		for _, sec := range all[id] {
			fs := exportSecret(sec, values)
			if fs.Grants, err = s.exportGrants(id, sec.ID); err != nil {
				return nil, err
			}
			p.Secrets = append(p.Secrets, fs)
		}
		checker, err := s.service.CheckerConfig(id)
		if err != nil {
			return nil, err
		}
		if !checker.CheckingSecretStrength {
			p.CheckingSecretStrength = &checker.CheckingSecretStrength
		}
		for _, e := range events[id] {
			n := e.Notification
			p.Events = append(p.Events, fixtures.Event{Name: e.Name, Types: e.Types, State: e.State,
				Notification: fixtures.Notification{TargetType: n.TargetType, TargetID: n.TargetID, TargetName: n.TargetName}})
		}
		fx.Projects = append(fx.Projects, p)
	}
	if values {
		// Every credential carries a secret (a token, a secret key, a password).
		fx.Credentials = slices.Clone(s.identities)
		fx.Users = slices.Clone(s.users)
	}
	rules, err := s.faults.List()
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		fx.Faults = append(fx.Faults, fixtures.FaultRule{ID: r.ID, Operation: r.Operation, Secret: r.Secret,
			Every: r.Every, Probability: r.Probability, Seed: r.Seed, Times: r.Times, Fault: r.Fault})
	}
	return fx, nil
}

// exportGrants writes a secret's grants as fixtures do.
func (s *Server) exportGrants(project, id string) ([]fixtures.Grant, error) {
	granted, err := s.service.Grants(project, id)
	if err != nil {
		return nil, err
	}
	var out []fixtures.Grant
	for _, g := range granted.Grants {
		out = append(out, fixtures.Grant{Grantee: g.Grantee, GranteeType: g.GranteeType, ValidityTime: g.ValidityTime})
	}
	return out, nil
}

// exportSecret writes a secret as fixtures do, every version with its id and stages.
func exportSecret(sec *secrets.Secret, values bool) fixtures.Secret {
	fs := fixtures.Secret{
		Name: sec.Name, State: sec.State, Description: sec.Description, KMSKeyID: sec.KMSKeyID,
		SecretType: sec.SecretType, ScheduledDeleteTime: sec.ScheduledDeleteTime, Tags: sec.Tags,
		EnterpriseProjectID: sec.EnterpriseProjectID, AutoRotation: sec.AutoRotation,
		RotationPeriod: sec.RotationPeriod, RotationConfig: sec.RotationConfig,
		RotationFuncURN: sec.RotationFuncURN, EventSubscriptions: sec.EventSubscriptions,
	}
	for _, v := range sec.Versions {
		fv := fixtures.Version{ID: v.ID, Stages: slices.Clone(v.Stages), ExpireTime: v.ExpireTime,
			Value: v.Value.String, Binary: v.Value.Binary}
		if !values {
			redacted := recording.Redacted
			// A redacted binary value is no base64: it is written as text.
			fv.Value, fv.Binary = &redacted, nil
		}
		fs.Versions = append(fs.Versions, fv)
	}
	return fs
}
