package secrets

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/csmskit/csmskit/internal/jsonvalue"
)

// A secret's metadata record is its JSON without what belongs to its versions (the versions,
// the times their stages moved, the next version's number), which a list reads for every
// secret on its page. It is written with encoding/json and read here member by member, with
// jsonvalue.Reader: encoding/json's reflection costs several times as much per record, most
// of a page's cost (BENCHMARKS.md).

// encodeMeta returns a secret's metadata record.
func encodeMeta(sec *Secret) ([]byte, error) {
	meta := metaOf(sec)
	raw, err := json.Marshal(&meta)
	if err != nil {
		return nil, fmt.Errorf("encode metadata of secret %s: %w", sec.Name, err)
	}
	return raw, nil
}

// metaOf returns what a secret's metadata record holds of it.
func metaOf(sec *Secret) Secret {
	meta := *sec
	meta.Versions, meta.StageTimes, meta.NextVersion = nil, nil, 0
	return meta
}

// decodeMeta reads a metadata record into sec, a zero Secret, as json.Unmarshal would
// (TestDecodeMetaIsUnmarshal), passing over any member it does not know. A string equal to the
// same member of prev, the secret read before it (nil for none), is prev's: the secrets of a
// page mostly share their state, type and key, and so share one copy of each. The others are
// gathered into one string, which their fields slice: one allocation for the record.
func decodeMeta(sec *Secret, raw []byte, prev *Secret) error {
	var scratch [256]byte // room for a record's strings, but for a long description
	gathered := scratch[:0]
	var pending [maxGathered]gatheredString
	n := 0
	r := jsonvalue.NewReader(raw)
	more, err := r.Object()
	next := 0
	for more && err == nil {
		var key []byte
		if key, err = r.Key(); err != nil {
			break
		}
		switch m := memberOf(key, &next); {
		case r.Kind() == jsonvalue.Null:
			err = r.Null() // as encoding/json: the member keeps its zero value
		case m.isString():
			var s []byte
			if s, err = r.String(); err != nil {
				break
			}
			switch {
			case prev != nil && *prev.stringMember(m) == string(s):
				*sec.stringMember(m) = *prev.stringMember(m)
			case n < maxGathered:
				pending[n] = gatheredString{sec.stringMember(m), len(gathered), len(gathered) + len(s)}
				gathered = append(gathered, s...)
				n++
			default:
				*sec.stringMember(m) = string(s)
			}
		case m.isInt():
			*sec.intMember(m), err = readInt(&r)
		case m == memberAutoRotation:
			sec.AutoRotation, err = r.Bool()
		case m == memberEventSubscriptions:
			sec.EventSubscriptions, err = readStrings(&r)
		case m == memberTags:
			sec.Tags = map[string]string{}
			err = readMap(&r, sec.Tags)
		default:
			err = r.Skip()
		}
		if err == nil {
			more, err = r.NextMember()
		}
	}
	if err == nil {
		err = r.End()
	}
	all := string(gathered)
	for _, p := range pending[:n] {
		*p.field = all[p.from:p.to]
	}
	return err
}

// gatheredString is a string of a record read into the one string its strings make: its
// field and its place there.
type gatheredString struct {
	field    *string
	from, to int
}

// maxGathered is how many strings of a record are gathered; any more get a copy each.
const maxGathered = 8

// member is a member of a metadata record: the strings first, then the integers, then the
// others.
type member int

const (
	memberUnknown member = iota
	memberID
	memberName
	memberState
	memberKMSKeyID
	memberDescription
	memberSecretType
	memberEnterpriseProjectID
	memberRotationPeriod
	memberRotationConfig
	memberRotationFuncURN
	memberCreateTime
	memberUpdateTime
	memberScheduledDeleteTime
	memberRotationTime
	memberNextRotationTime
	memberAutoRotation
	memberEventSubscriptions
	memberTags
)

func (m member) isString() bool { return memberID <= m && m <= memberRotationFuncURN }
func (m member) isInt() bool    { return memberCreateTime <= m && m <= memberNextRotationTime }

// metaMembers are a metadata record's members in the order encoding/json writes them (Secret's
// fields), with their names (TestMetaMembersInRecordOrder).
var metaMembers = []struct {
	name string
	m    member
}{
	{"id", memberID}, {"name", memberName}, {"state", memberState}, {"kms_key_id", memberKMSKeyID},
	{"description", memberDescription}, {"secret_type", memberSecretType},
	{"enterprise_project_id", memberEnterpriseProjectID}, {"create_time", memberCreateTime},
	{"update_time", memberUpdateTime}, {"scheduled_delete_time", memberScheduledDeleteTime},
	{"rotation_time", memberRotationTime}, {"next_rotation_time", memberNextRotationTime},
	{"auto_rotation", memberAutoRotation}, {"rotation_period", memberRotationPeriod},
	{"rotation_config", memberRotationConfig}, {"rotation_func_urn", memberRotationFuncURN},
	{"event_subscriptions", memberEventSubscriptions}, {"tags", memberTags},
}

// memberOf returns the member a key names. A record's members come in metaMembers' order, those
// left empty left out, so they are tried in that order from next, the place after the last one
// found, and only then from the start.
func memberOf(key []byte, next *int) member {
	for _, from := range [2]int{*next, 0} {
		for i := from; i < len(metaMembers); i++ {
			if metaMembers[i].name == string(key) {
				*next = i + 1
				return metaMembers[i].m
			}
		}
	}
	return memberUnknown
}

// stringMember returns the field of a string member.
func (sec *Secret) stringMember(m member) *string {
	switch m {
	case memberID:
		return &sec.ID
	case memberName:
		return &sec.Name
	case memberState:
		return &sec.State
	case memberKMSKeyID:
		return &sec.KMSKeyID
	case memberDescription:
		return &sec.Description
	case memberSecretType:
		return &sec.SecretType
	case memberEnterpriseProjectID:
		return &sec.EnterpriseProjectID
	case memberRotationPeriod:
		return &sec.RotationPeriod
	case memberRotationConfig:
		return &sec.RotationConfig
	}
	return &sec.RotationFuncURN
}

// intMember returns the field of an integer member.
func (sec *Secret) intMember(m member) *int64 {
	switch m {
	case memberCreateTime:
		return &sec.CreateTime
	case memberUpdateTime:
		return &sec.UpdateTime
	case memberRotationTime:
		return &sec.RotationTime
	case memberNextRotationTime:
		return &sec.NextRotationTime
	}
	return &sec.ScheduledDeleteTime
}

// readStrings reads an array of strings.
func readStrings(r *jsonvalue.Reader) ([]string, error) {
	out := []string{}
	more, err := r.Array()
	for more && err == nil {
		var s string
		if s, err = readString(r); err != nil {
			return nil, err
		}
		out = append(out, s)
		more, err = r.NextElement()
	}
	return out, err
}

// readMap reads an object's members into m.
func readMap(r *jsonvalue.Reader, m map[string]string) error {
	more, err := r.Object()
	for more && err == nil {
		var key []byte
		if key, err = r.Key(); err != nil {
			return err
		}
		if m[string(key)], err = readString(r); err != nil {
			return err
		}
		more, err = r.NextMember()
	}
	return err
}

func readString(r *jsonvalue.Reader) (string, error) {
	s, err := r.String()
	return string(s), err
}

// readInt reads a number that is an integer, as encoding/json reads one into an int64
// (strconv.ParseInt); one of up to 18 digits, which cannot overflow, is read without it.
func readInt(r *jsonvalue.Reader) (int64, error) {
	text, err := r.Number()
	if err != nil {
		return 0, err
	}
	digits := text
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	var n int64
	for _, d := range digits {
		if d < '0' || d > '9' || len(digits) > 18 {
			return strconv.ParseInt(string(text), 10, 64)
		}
		n = n*10 + int64(d-'0')
	}
	if len(digits) < len(text) {
		n = -n
	}
	return n, nil
}
