package mock

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/internal/jsonvalue"
	"github.com/csmskit/csmskit/mock/secrets"
)

// listAnswer is ListSecrets' 200 answer. It writes exactly what the generated
// csmsapi.ListSecrets200JSONResponse writes of the same page made with toAPISecret (the same
// header, the same bytes as encoding/json with its HTML escaping, and the encoder's newline:
// TestListAnswerWritesWhatTheGeneratedTypeWrites, FuzzListAnswer), straight from the
// secrets. The generated type needs a pointer to every field of every secret, and reflection
// to write them: on a page of fifty, a large part of its cost (BENCHMARKS.md).
type listAnswer secrets.Page[*secrets.Secret]

var _ csmsapi.ListSecretsResponseObject = listAnswer{}

// VisitListSecretsResponse implements csmsapi.ListSecretsResponseObject.
func (a listAnswer) VisitListSecretsResponse(w http.ResponseWriter) error {
	buf := listBuffers.Get().(*[]byte)
	body := append(a.appendJSON((*buf)[:0]), '\n')
	w.Header().Set("Content-Type", "application/json")
	// The length is known, so net/http need not switch a long page to chunked encoding.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	if cap(body) <= maxPooledList {
		*buf = body
		listBuffers.Put(buf)
	}
	return err
}

// listBuffers holds the buffers answers are written in: Write copies an answer out, and its
// buffer serves the next one, so that a page's bytes are not allocated again for each answer.
var listBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledList bounds the buffers kept: a rare page of a thousand long secrets is not held.
const maxPooledList = 256 << 10

// appendJSON appends the JSON of the page's csmsapi.ListSecretsResponse: its page_info
// (pageInfo) and its secrets, in the generated structs' field order.
func (a listAnswer) appendJSON(b []byte) []byte {
	b = append(b, `{"page_info":{"current_count":`...)
	b = strconv.AppendInt(b, int64(len(a.Items)), 10)
	if a.NextMarker != "" {
		b = append(b, `,"next_marker":`...)
		b = appendString(b, a.NextMarker)
	}
	b = append(b, `},"secrets":[`...)
	for i, s := range a.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSecret(b, s)
	}
	return append(b, "]}"...)
}

// appendSecret appends the JSON of toAPISecret(s): the members it always sets, and those it
// sets only when not empty (optional, optionalSlice), in csmsapi.Secret's field order.
func appendSecret(b []byte, s *secrets.Secret) []byte {
	b = append(b, `{"auto_rotation":`...)
	b = strconv.AppendBool(b, s.AutoRotation)
	b = appendInt(b, `,"create_time":`, s.CreateTime)
	b = appendMember(b, `,"description":`, s.Description)
	b = appendOptional(b, `,"enterprise_project_id":`, s.EnterpriseProjectID)
	if len(s.EventSubscriptions) > 0 {
		b = append(b, `,"event_subscriptions":[`...)
		for i, e := range s.EventSubscriptions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e)
		}
		b = append(b, ']')
	}
	b = appendMember(b, `,"id":`, s.ID)
	b = appendOptional(b, `,"kms_key_id":`, s.KMSKeyID)
	b = appendMember(b, `,"name":`, s.Name)
	b = appendOptionalInt(b, `,"next_rotation_time":`, s.NextRotationTime)
	b = appendOptional(b, `,"rotation_config":`, s.RotationConfig)
	b = appendOptional(b, `,"rotation_func_urn":`, s.RotationFuncURN)
	b = appendOptional(b, `,"rotation_period":`, s.RotationPeriod)
	b = appendOptionalInt(b, `,"rotation_time":`, s.RotationTime)
	b = appendOptionalInt(b, `,"scheduled_delete_time":`, s.ScheduledDeleteTime)
	b = appendMember(b, `,"secret_type":`, s.SecretType)
	b = appendMember(b, `,"state":`, s.State)
	b = appendInt(b, `,"update_time":`, s.UpdateTime)
	return append(b, '}')
}

// appendMember appends a string member after another member; name is the text before the
// value (a comma, the quoted name, a colon).
func appendMember(b []byte, name, value string) []byte {
	return appendString(append(b, name...), value)
}

// appendOptional appends a string member unless its value is empty.
func appendOptional(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return appendMember(b, name, value)
}

// appendInt appends an integer member after another member, as appendMember does.
func appendInt(b []byte, name string, value int64) []byte {
	return strconv.AppendInt(append(b, name...), value, 10)
}

// appendOptionalInt appends an integer member unless its value is 0.
func appendOptionalInt(b []byte, name string, value int64) []byte {
	if value == 0 {
		return b
	}
	return appendInt(b, name, value)
}

// appendString appends s as encoding/json writes it: between quotes as it is when it needs no
// escape, as json.Marshal writes it otherwise.
func appendString(b []byte, s string) []byte {
	if jsonvalue.Verbatim(s) {
		return append(append(append(b, '"'), s...), '"')
	}
	quoted, _ := json.Marshal(s) // a string always encodes
	return append(b, quoted...)
}
