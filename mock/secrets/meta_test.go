package secrets

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/csmskit/csmskit/internal/jsonvalue"
)

// metaSamples are secrets whose metadata records cover every member and the text encoding
// escapes.
func metaSamples() []Secret {
	full := Secret{
		ID: "5ad79b4f-1605-4105-a5b3-ae0da51454e1", Name: "db-password", State: StatePendingDelete,
		KMSKeyID: "kms/key", Description: "quotes \" backslash \\ <html> & é 😀 \u2028 tab\t", SecretType: "RDS-FG",
		EnterpriseProjectID: "0", CreateTime: 1764417600000, UpdateTime: 1764417600001, ScheduledDeleteTime: 1765022400000,
		RotationTime: 1764417600002, NextRotationTime: 1767009600002,
		Settings: Settings{AutoRotation: true, RotationPeriod: "30d", RotationConfig: `{"a":1}`, RotationFuncURN: "urn:fss",
			EventSubscriptions: []string{"ev", ""}},
		Tags:        map[string]string{"team": "db", "": "", "ü": "\n"},
		StageTimes:  map[string]int64{StageCurrent: 1, StagePrevious: -1, "blue": 9007199254740993},
		NextVersion: 21,
		Versions:    []Version{{ID: "v1", Stages: []string{StageCurrent}}},
	}
	return []Secret{{}, {Name: "bare", NextVersion: 2}, full}
}

func TestDecodeMetaIsUnmarshal(t *testing.T) {
	samples := metaSamples()
	for _, sec := range samples {
		raw, err := encodeMeta(&sec)
		if err != nil {
			t.Fatal(err)
		}
		// Read alone, and after each sample: sharing a string with the secret before changes
		// nothing of either.
		checkDecodeMeta(t, raw, nil)
		for _, prev := range samples {
			before := prev
			checkDecodeMeta(t, raw, &prev)
			if !reflect.DeepEqual(prev, before) {
				t.Fatalf("reading after %v changed it", before)
			}
		}
	}
	// What encodeMeta never writes is still read as encoding/json reads it, or refused.
	for _, raw := range []string{
		`{"tags":null,"event_subscriptions":[],"stage_times":{},"description":null}`,
		`{"name":"a","versions":[{"id":"v1","value":{"string":"x"}}],"unknown":{"a":[1]}}`,
		`{"name":"a","name":"b"}`, `{"create_time":1.5}`, `{"name":1}`, `{"tags":{"a":1}}`, `[]`, `{"name":"a"} x`, `{`,
	} {
		checkDecodeMeta(t, []byte(raw), nil)
	}
}

// The members of a metadata record come as metaMembers lists them.
func TestMetaMembersInRecordOrder(t *testing.T) {
	full := metaSamples()[2]
	raw, err := encodeMeta(&full)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	r := jsonvalue.NewReader(raw)
	more, err := r.Object()
	for more && err == nil {
		var key []byte
		if key, err = r.Key(); err == nil {
			keys = append(keys, string(key))
			err = r.Skip()
		}
		if err == nil {
			more, err = r.NextMember()
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range metaMembers {
		want = append(want, m.name)
	}
	if !slices.Equal(keys, want) {
		t.Errorf("a record's members are %v, metaMembers %v", keys, want)
	}
}

// checkDecodeMeta fails t unless decodeMeta (after prev) reads raw as json.Unmarshal reads it
// into a Secret (with its versions and stage times dropped), or both refuse it.
func checkDecodeMeta(t *testing.T, raw []byte, prev *Secret) {
	t.Helper()
	var want Secret
	wantErr := json.Unmarshal(raw, &want)
	want = metaOf(&want)
	got := &Secret{}
	err := decodeMeta(got, raw, prev)
	switch {
	case err == nil && wantErr != nil:
		t.Fatalf("decodeMeta accepts %s, which json.Unmarshal refuses: %v", raw, wantErr)
	case err != nil && wantErr == nil:
		t.Fatalf("decodeMeta refuses %s: %v", raw, err)
	case err == nil && !reflect.DeepEqual(*got, want):
		t.Fatalf("decodeMeta reads %s as\n%#v\njson.Unmarshal as\n%#v", raw, *got, want)
	}
}

// FuzzDecodeMetaIsUnmarshal holds decodeMeta to json.Unmarshal on whatever encoding/json
// reads as a secret and writes back, as metadata records are written.
func FuzzDecodeMetaIsUnmarshal(f *testing.F) {
	for _, sec := range metaSamples() {
		raw, err := json.Marshal(sec)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var sec Secret
		if json.Unmarshal(data, &sec) != nil {
			return
		}
		raw, err := encodeMeta(&sec)
		if err != nil {
			return
		}
		checkDecodeMeta(t, raw, nil)
		prev := metaOf(&sec)
		checkDecodeMeta(t, raw, &prev)
	})
}

// BenchmarkDecodeMeta reads a list's metadata record: decodeMeta against encoding/json.
func BenchmarkDecodeMeta(b *testing.B) {
	sec := Secret{ID: "5ad79b4f-1605-4105-a5b3-ae0da51454e1", Name: "bench-0001", State: "ENABLED", KMSKeyID: "default-kms-key",
		SecretType: "COMMON", CreateTime: 1764417600000, UpdateTime: 1764417600000,
		StageTimes: map[string]int64{StageCurrent: 1764417600000}, NextVersion: 2}
	raw, err := encodeMeta(&sec)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("reader-after-another", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := decodeMeta(&Secret{}, raw, &sec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s Secret
			if err := json.Unmarshal(raw, &s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
