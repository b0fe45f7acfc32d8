package secrets

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/csmskit/csmskit/internal/jsonvalue"
)

// A secret's metadata record is its JSON without the versions, which a list reads for every
// secret on its page. It is written with encoding/json and read here member by member, with
// jsonvalue.Reader: encoding/json's reflection costs several times as much per record, most of
// a page's cost (BENCHMARKS.md).

// encodeMeta returns a secret's metadata record.
func encodeMeta(sec *Secret) ([]byte, error) {
	meta := *sec
	meta.Versions = nil
	raw, err := json.Marshal(&meta)
	if err != nil {
		return nil, fmt.Errorf("encode metadata of secret %s: %w", sec.Name, err)
	}
	return raw, nil
}

// decodeMeta reads a metadata record into a Secret without versions, as json.Unmarshal would
// (TestDecodeMetaIsUnmarshal). A member it does not know is passed over, versions included.
func decodeMeta(raw []byte) (*Secret, error) {
	sec := &Secret{}
	r := jsonvalue.NewReader(raw)
	more, err := r.Object()
	for more && err == nil {
		var key []byte
		if key, err = r.Key(); err != nil {
			break
		}
		if r.Kind() == jsonvalue.Null {
			err = r.Null() // as encoding/json: the member keeps its zero value
		} else if field := metaStrings(sec, key); field != nil {
			*field, err = readString(&r)
		} else if field := metaInts(sec, key); field != nil {
			*field, err = readInt(&r)
		} else {
			err = decodeMetaOther(&r, sec, key)
		}
		if err == nil {
			more, err = r.NextMember()
		}
	}
	if err == nil {
		err = r.End()
	}
	if err != nil {
		return nil, err
	}
	return sec, nil
}

// metaStrings returns the string field of sec a member names, or nil.
func metaStrings(sec *Secret, key []byte) *string {
	switch string(key) {
	case "id":
		return &sec.ID
	case "name":
		return &sec.Name
	case "state":
		return &sec.State
	case "kms_key_id":
		return &sec.KMSKeyID
	case "description":
		return &sec.Description
	case "secret_type":
		return &sec.SecretType
	case "enterprise_project_id":
		return &sec.EnterpriseProjectID
	case "rotation_period":
		return &sec.RotationPeriod
	case "rotation_config":
		return &sec.RotationConfig
	case "rotation_func_urn":
		return &sec.RotationFuncURN
	}
	return nil
}

// metaInts returns the integer field of sec a member names, or nil.
func metaInts(sec *Secret, key []byte) *int64 {
	switch string(key) {
	case "create_time":
		return &sec.CreateTime
	case "update_time":
		return &sec.UpdateTime
	case "scheduled_delete_time":
		return &sec.ScheduledDeleteTime
	}
	return nil
}

// decodeMetaOther reads the members of other types, and passes over those it does not know.
func decodeMetaOther(r *jsonvalue.Reader, sec *Secret, key []byte) error {
	var err error
	switch string(key) {
	case "next_version":
		var n int64
		n, err = readInt(r)
		sec.NextVersion = int(n)
	case "auto_rotation":
		sec.AutoRotation, err = r.Bool()
	case "event_subscriptions":
		sec.EventSubscriptions, err = readList(r, readString)
	case "tags":
		sec.Tags = map[string]string{}
		return readMap(r, sec.Tags, readString)
	case "stage_times":
		sec.StageTimes = map[string]int64{}
		return readMap(r, sec.StageTimes, readInt)
	default:
		err = r.Skip()
	}
	return err
}

// readList reads an array, each element with read.
func readList[V any](r *jsonvalue.Reader, read func(*jsonvalue.Reader) (V, error)) ([]V, error) {
	out := []V{}
	more, err := r.Array()
	for more && err == nil {
		var v V
		if v, err = read(r); err != nil {
			return nil, err
		}
		out = append(out, v)
		more, err = r.NextElement()
	}
	return out, err
}

// readMap reads an object's members into m, each value with read.
func readMap[V any](r *jsonvalue.Reader, m map[string]V, read func(*jsonvalue.Reader) (V, error)) error {
	more, err := r.Object()
	for more && err == nil {
		var key []byte
		if key, err = r.Key(); err != nil {
			return err
		}
		var v V
		if v, err = read(r); err != nil {
			return err
		}
		m[string(key)] = v
		more, err = r.NextMember()
	}
	return err
}

func readString(r *jsonvalue.Reader) (string, error) {
	s, err := r.String()
	return string(s), err
}

// readInt reads a number that is an integer, as encoding/json reads one into an int64.
func readInt(r *jsonvalue.Reader) (int64, error) {
	n, err := r.Number()
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(string(n), 10, 64)
}
