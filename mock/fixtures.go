package mock

import (
	"fmt"
	"strconv"

	"github.com/csmskit/csmskit/mock/auth"
	"github.com/csmskit/csmskit/mock/fault"
	"github.com/csmskit/csmskit/mock/fixtures"
	"github.com/csmskit/csmskit/mock/secrets"
)

// LoadFixtures adds a fixtures file's credentials, users and secrets. A secret whose name
// exists already (kept under DataDir from an earlier run) is left as it is.
func (s *Server) LoadFixtures(path string) error {
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
	for _, c := range fx.Credentials {
		actions := c.Actions
		if len(actions) == 0 {
			actions = []string{auth.AnyAction}
		}
		cred := auth.Credential{
			Principal: auth.Principal{Name: c.Name, Projects: c.Projects, Actions: actions},
			Token:     c.Token, AK: c.AK, SK: c.SK,
		}
		if err := s.auth.AddCredential(cred); err != nil {
			return err
		}
	}
	for _, u := range fx.Users {
		actions := u.Actions
		if len(actions) == 0 {
			actions = []string{auth.AnyAction}
		}
		err := s.auth.AddUser(auth.User{Name: u.Name, Password: u.Password, Domain: u.Domain,
			ProjectID: u.ProjectID, ProjectName: u.ProjectName, Actions: actions})
		if err != nil {
			return err
		}
	}
	now := s.service.Now()
	for _, p := range fx.Projects {
		for _, fs := range p.Secrets {
			if _, err := s.service.Import(p.ID, fixtureSecret(fs, now)); err != nil {
				return fmt.Errorf("secret %s: %w", fs.Name, err)
			}
		}
	}
	return nil
}

// fixtureSecret builds a secret whose last version is SYSCURRENT and the one before
// SYSPREVIOUS, unless the fixture gives stages itself.
func fixtureSecret(fs fixtures.Secret, now int64) secrets.Secret {
	sec := secrets.Secret{
		Name: fs.Name, State: fs.State, Description: fs.Description, KMSKeyID: fs.KMSKeyID,
		SecretType: fs.SecretType, CreateTime: now, UpdateTime: now, NextVersion: len(fs.Versions) + 1,
	}
	if fs.State == secrets.StatePendingDelete {
		sec.ScheduledDeleteTime = now + 7*24*3600*1000
	}
	explicit := false
	for _, v := range fs.Versions {
		explicit = explicit || len(v.Stages) > 0
	}
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
		sec.Versions = append(sec.Versions, secrets.Version{
			ID: "v" + strconv.Itoa(i+1), CreateTime: now, Stages: stages,
			Value: secrets.Value{String: v.Value, Binary: v.Binary},
		})
	}
	return sec
}
