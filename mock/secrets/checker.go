package secrets

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/csmskit/csmskit/mock/store"
)

// The secrets checker: a project's configuration (whether strength checking is on) and the
// judging of its secrets' current values by it.

// checkerBucket holds each project's checker configuration, by project.
const checkerBucket = "checker-config"

// StrengthCheck is the one kind of check the service makes (CheckSecrets' type).
const StrengthCheck = "1"

// CheckerConfig is a project's secret checking configuration.
type CheckerConfig struct {
	CheckingSecretStrength bool `json:"checking_secret_strength"`
}

// defaultCheckerConfig is a project's configuration until it sets one: strength checking on,
// so that a check judges without setting anything first.
var defaultCheckerConfig = CheckerConfig{CheckingSecretStrength: true}

// The rule a strong value keeps.
const (
	minStrongLength = 8
	minStrongKinds  = 3
)

// Strength is one secret's judged strength; Reasons say why a weak one is weak.
type Strength struct {
	Name    string
	Strong  bool
	Reasons []string
}

// CheckerConfig returns the project's checker configuration.
func (s *Service) CheckerConfig(project string) (CheckerConfig, error) {
	var c CheckerConfig
	err := s.store.View(func(tx store.Tx) error {
		var err error
		c, err = readCheckerConfig(tx, project)
		return err
	})
	return c, err
}

// SetCheckerConfig turns strength checking on or off (nil: as it is) and returns the
// configuration.
func (s *Service) SetCheckerConfig(project string, strength *bool) (CheckerConfig, error) {
	var c CheckerConfig
	err := s.store.Update(func(tx store.Tx) error {
		var err error
		if c, err = readCheckerConfig(tx, project); err != nil || strength == nil {
			return err
		}
		c.CheckingSecretStrength = *strength
		raw, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode checker configuration: %w", err)
		}
		return tx.Put(checkerBucket, project, raw)
	})
	return c, err
}

func readCheckerConfig(tx store.Tx, project string) (CheckerConfig, error) {
	raw, ok, err := tx.Get(checkerBucket, project)
	if err != nil || !ok {
		return defaultCheckerConfig, err
	}
	var c CheckerConfig
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("decode checker configuration: %w", err)
	}
	return c, nil
}

// CheckSecrets judges, by the project's configuration, the current values of the named
// secrets (all of the project's when names is empty), in name order. With strength checking
// off it judges none. A named secret the project does not have fails the check.
func (s *Service) CheckSecrets(project, kind string, names []string) (CheckerConfig, []Strength, error) {
	if kind != StrengthCheck {
		return CheckerConfig{}, nil, fail(CheckNotSupported, "the only check is type "+StrengthCheck+", strength")
	}
	var (
		c   CheckerConfig
		out []Strength
	)
	err := s.store.View(func(tx store.Tx) error {
		out = nil
		var err error
		if c, err = readCheckerConfig(tx, project); err != nil || !c.CheckingSecretStrength {
			return err
		}
		judge := func(sec *Secret) { out = append(out, strengthOf(sec)) }
		if len(names) == 0 {
			now := s.now()
			return scanDecoded(tx, bucket(project), "", decodeRecord, func(sec *Secret) bool {
				if !deletedAt(now, sec.State, sec.ScheduledDeleteTime) {
					judge(sec)
				}
				return true
			})
		}
		for _, name := range slices.Compact(slices.Sorted(slices.Values(names))) {
			sec, err := s.get(tx, project, name)
			if err != nil {
				return err
			}
			judge(sec)
		}
		return nil
	})
	return c, out, err
}

// strengthOf judges a secret's current value: strong with at least minStrongLength characters
// (bytes, for a binary value) of at least minStrongKinds kinds.
func strengthOf(sec *Secret) Strength {
	st := Strength{Name: sec.Name}
	v, ok := sec.stageHolder(StageCurrent)
	if !ok {
		st.Reasons = []string{"no current value"}
		return st
	}
	text, length := "", 0
	if v.Value.String != nil {
		text = *v.Value.String
		length = utf8.RuneCountInString(text)
	} else if v.Value.Binary != nil {
		raw, _ := base64.StdEncoding.DecodeString(*v.Value.Binary)
		text, length = string(raw), len(raw)
	}
	if length < minStrongLength {
		st.Reasons = append(st.Reasons, fmt.Sprintf("shorter than %d characters", minStrongLength))
	}
	if kindsIn(text) < minStrongKinds {
		st.Reasons = append(st.Reasons, fmt.Sprintf("fewer than %d of lower case, upper case, digits and other characters", minStrongKinds))
	}
	st.Strong = len(st.Reasons) == 0
	return st
}

// kindsIn counts the kinds of character text holds: lower case, upper case, digits, others.
func kindsIn(text string) int {
	var lower, upper, digit, other bool
	for _, r := range text {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			n++
		}
	}
	return n
}
