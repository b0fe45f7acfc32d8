package mock

import (
	"cmp"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/fixtures"
	"github.com/csmskit/csmskit/mock/secrets"
)

// loadFixtures adds a fixtures file's credentials, users and secrets. A secret whose name
// exists already (kept under DataDir from an earlier run) is left as it is.
func (s *Server) loadFixtures(path string) error {
	fx, err := fixtures.Load(path)
	if err != nil {
		return err
	}
	if err := s.applyFixtures(fx, true); err != nil {
		return fmt.Errorf("fixtures %s: %w", path, err)
	}
	return nil
}

// applyFixtures adds fault rules, credentials, users and (absent) secrets. The fixtures were
// checked when parsed; the fault rules, the only part that can still be refused (a duplicate
// ID, the rule bound), go first and are taken back on failure, so a refused file leaves no
// credential behind. atStart marks the fixtures file loaded at start (see addStartRule).
func (s *Server) applyFixtures(fx *fixtures.Fixtures, atStart bool) error {
	var added []string
	for i, r := range fx.Faults {
		rule := fault.Rule{ID: r.ID, Operation: r.Operation, Secret: r.Secret, Every: r.Every,
			Probability: r.Probability, Seed: r.Seed, Times: r.Times, Fault: r.Fault}
		add := s.faults.Add
		if atStart {
			add = func(r fault.Rule) (fault.Rule, error) { return s.addStartRule(r, "fixtures", i) }
		}
		stored, err := add(rule)
		if err != nil {
			for _, id := range added {
				_, _ = s.faults.Remove(id)
			}
			return fmt.Errorf("fault rule %q: %w", r.ID, err)
		}
		added = append(added, stored.ID)
	}
	if err := s.nameProjects(fx); err != nil {
		for _, id := range added {
			s.faults.Remove(id)
		}
		return err
	}
	// What is loaded at start every process loads; what is posted later one process is told,
	// so it goes to the store for the others too.
	addCredential, addUser := s.auth.AddCredential, s.auth.AddUser
	if !atStart {
		addCredential, addUser = s.auth.ShareCredential, s.auth.ShareUser
	}
	for _, c := range fx.Credentials {
		actions := c.Actions
		if len(actions) == 0 {
			actions = []string{auth.AnyAction}
		}
		cred := auth.Credential{
			Principal: auth.Principal{Name: c.Name, Projects: c.Projects, Actions: actions},
			Token:     c.Token, AK: c.AK, SK: c.SK,
		}
		if err := addCredential(cred); err != nil {
			return err
		}
	}
	for _, u := range fx.Users {
		actions := u.Actions
		if len(actions) == 0 {
			actions = []string{auth.AnyAction}
		}
		err := addUser(auth.User{Name: u.Name, Password: u.Password, Domain: u.Domain,
			ProjectID: u.ProjectID, ProjectName: u.ProjectName, Actions: actions})
		if err != nil {
			return err
		}
	}
	s.identities = append(s.identities, fx.Credentials...)
	s.users = append(s.users, fx.Users...)
	now := s.service.Now()
	for _, p := range fx.Projects {
		for _, fs := range p.Secrets {
			stored, err := s.service.Import(p.ID, fixtureSecret(fs, now))
			if err == nil && stored {
				err = s.grantFixtures(p.ID, fs)
			}
			if err != nil {
				return fmt.Errorf("secret %s: %w", fs.Name, err)
			}
		}
		for _, fe := range p.Events {
			if _, err := s.service.ImportEvent(p.ID, fixtureEvent(fe)); err != nil {
				return fmt.Errorf("event %s: %w", fe.Name, err)
			}
		}
		if p.CheckingSecretStrength != nil {
			if _, err := s.service.SetCheckerConfig(p.ID, p.CheckingSecretStrength); err != nil {
				return fmt.Errorf("project %s: %w", p.ID, err)
			}
		}
	}
	return nil
}

// grantFixtures gives a secret just loaded the grants its fixture lists. A secret whose
// scheduled deletion has come is no secret to grant.
func (s *Server) grantFixtures(project string, fs fixtures.Secret) error {
	if len(fs.Grants) == 0 {
		return nil
	}
	sec, err := s.service.Show(project, fs.Name)
	if secrets.KindOf(err) == secrets.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	for _, g := range fs.Grants {
		validity := ""
		if g.ValidityTime > 0 {
			validity = strconv.FormatInt(g.ValidityTime, 10)
		}
		_, err := s.service.CreateGrant(project, secrets.GrantRequest{ResourceID: sec.ID, Type: secrets.GrantSecret,
			GranteeType: cmp.Or(g.GranteeType, "0"), Grantee: g.Grantee, ValidityTime: validity})
		if err != nil {
			return err
		}
	}
	return nil
}

// fixtureEvent is an event of a fixtures file, ENABLED unless it says otherwise.
func fixtureEvent(fe fixtures.Event) secrets.NewEvent {
	state := fe.State
	if state == "" {
		state = secrets.EventEnabled
	}
	n := fe.Notification
	return secrets.NewEvent{Name: fe.Name, Types: fe.Types, State: state,
		Notification: secrets.Notification{TargetType: n.TargetType, TargetID: n.TargetID, TargetName: n.TargetName}}
}

// fixtureSecret builds a secret whose last version is SYSCURRENT and the one before
// SYSPREVIOUS, unless the fixture gives stages itself.
func fixtureSecret(fs fixtures.Secret, now int64) secrets.Secret {
	sec := secrets.Secret{
		Name: fs.Name, State: fs.State, Description: fs.Description, KMSKeyID: fs.KMSKeyID,
		SecretType: fs.SecretType, EnterpriseProjectID: fs.EnterpriseProjectID,
		CreateTime: now, UpdateTime: now, Tags: maps.Clone(fs.Tags),
		Settings: secrets.Settings{
			AutoRotation: fs.AutoRotation, RotationPeriod: fs.RotationPeriod, RotationConfig: fs.RotationConfig,
			RotationFuncURN: fs.RotationFuncURN, EventSubscriptions: fs.EventSubscriptions,
		},
	}
	if fs.State == secrets.StatePendingDelete {
		sec.ScheduledDeleteTime = cmp.Or(fs.ScheduledDeleteTime, now+7*24*3600*1000)
	}
	explicit := false
	for _, v := range fs.Versions {
		explicit = explicit || len(v.Stages) > 0
	}
	next := 1
	for i, v := range fs.Versions {
		stages := v.Stages
		if !explicit {
			switch i {
			case len(fs.Versions) - 1:
				stages = []string{secrets.StageCurrent}
			case len(fs.Versions) - 2:
				stages = []string{secrets.StagePrevious}
			}
		}
		if stages == nil {
			stages = []string{}
		}
		id := cmp.Or(v.ID, "v"+strconv.Itoa(i+1))
		if n, err := strconv.Atoi(strings.TrimPrefix(id, "v")); err == nil && n >= next {
			next = n + 1
		}
		sec.Versions = append(sec.Versions, secrets.Version{
			ID: id, CreateTime: now, Stages: stages, ExpireTime: v.ExpireTime,
			Value: secrets.Value{String: v.Value, Binary: v.Binary},
		})
	}
	sec.NextVersion = next
	return sec
}

// nameProjects names the fixtures' projects (and the projects their users name) for IAM's
// project lookup. Every name is checked against the ones the mock has before any is added, so
// a refused file names no project.
func (s *Server) nameProjects(fx *fixtures.Fixtures) error {
	var named []auth.Project
	for _, p := range fx.Projects {
		if p.Name != "" {
			named = append(named, auth.Project{ID: p.ID, Name: p.Name})
		}
	}
	for _, u := range fx.Users {
		if u.ProjectName != "" {
			named = append(named, auth.Project{ID: u.ProjectID, Name: u.ProjectName})
		}
	}
	probe := auth.New(auth.Options{})
	for _, p := range append(s.auth.ProjectsOf(auth.Principal{Projects: []string{auth.AnyProject}}, ""), named...) {
		if err := probe.AddProject(p); err != nil {
			return err
		}
	}
	for _, p := range named {
		if err := s.auth.AddProject(p); err != nil {
			return err
		}
	}
	return nil
}
