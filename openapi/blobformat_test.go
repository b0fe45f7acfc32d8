package openapi

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/csmskit/csmskit/internal/jsonvalue"
)

// The answered secret_blob's format, as the backup page describes it: the prefix, then a
// compact JWE (RFC 7516 §7.1) of five base64url segments, the protected header never empty.
const (
	blobPrefix = ")CloudSecretManagementBackupV1.com"
	// jweHeader is the documented example's protected header.
	jweHeader = "eyJraWQiOiI5ZjNlZmRjNS0zZjVlLTRiZWQtYThkMS05NjE2ZTUwNDQzYWIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiUlNBLU9BRVAtMjU2In0"
	jweFive   = jweHeader + ".CtrOcFMSeW_qMdQjgKz-NaWtC6hk.VtA6Sg--jeA1QavYxY9z7Q.Mr6dLyontoJCaDaRFMAYg_qUdEPzd.Xyey0XhnaYdB609N7MiQKQ"
)

// blobDefects are answered blobs the format rules out, each for one reason.
var blobDefects = map[string]string{
	"no prefix":      jweFive,
	"another prefix": ")CloudSecretManagementBackupV2.com" + jweFive,
	"four segments, as the documented example": blobPrefix + jweHeader + ".CtrOcFMSeW_q.VtA6Sg--jeA1QavYxY9z7Q.Mr6dLyontoJ",
	"six segments":                  blobPrefix + jweFive + ".AAAA",
	"a character outside base64url": blobPrefix + jweHeader + ".CtrOcFMSeW+qMdQjgKz/NaWtC6hk.VtA6Sg--jeA1QavYxY9z7Q.Mr6dLyontoJ.Xyey0XhnaYdB609N7MiQKQ",
	"'=' padding":                   blobPrefix + jweFive + "==",
	"eight characters no magic has": blobPrefix + "!example" + jweFive,
	"an empty protected header":     blobPrefix + ".CtrOcFMSeW_q.VtA6Sg--jeA1QavYxY9z7Q.Mr6dLyontoJ.Xyey0XhnaYdB609N7MiQKQ",
	"a newline after the JWE":       blobPrefix + jweFive + "\n",
	"empty":                         "",
}

// blobsWellFormed are answered blobs the format allows.
var blobsWellFormed = map[string]string{
	"five segments":                                    blobPrefix + jweFive,
	"no encrypted key, as under dir":                   blobPrefix + jweHeader + "..VtA6Sg--jeA1QavYxY9z7Q.Mr6dLyontoJ.Xyey0XhnaYdB609N7MiQKQ",
	"the 41-character magic its length byte announces": blobPrefix + ".example" + jweFive,
}

// The answer's blob is held to its format by the quick checks exactly as by kin-openapi: the
// string check, the raw check made on the body's text, and VisitJSON agree on every defect
// and every well-formed blob.
func TestBlobFormatQuickAndRawChecksAgree(t *testing.T) {
	c := MustLoad()
	answer := c.CSMS.Components.Schemas["DownloadSecretBlobResponse"].Value
	blob := c.CSMS.Components.Schemas["SecretBlob"].Value
	q, rc := compileQuick(blob), compileQuick(answer)
	if q == nil || rc == nil {
		t.Fatal("the blob's schema has no quick check, or the answer no raw check")
	}
	wellFormed := maps.Clone(blobsWellFormed)
	wellFormed["the contract's complete example"] = c.CSMS.Paths.Value("/v1/{project_id}/secrets/{secret_name}/backup").Post.
		Responses.Value("200").Value.Content.Get("application/json").Examples["complete"].Value.Value.(map[string]any)["secret_blob"].(string)
	for want, blobs := range map[bool]map[string]string{false: blobDefects, true: wellFormed} {
		for name, b := range blobs {
			if accepted := agree(t, name, blob, q, b); accepted != want {
				t.Errorf("%s: VisitJSON accepts it: %v, want %v", name, accepted, want)
			}
			body, _ := json.Marshal(map[string]string{"secret_blob": b})
			v, err := jsonvalue.Decode(body)
			if err != nil {
				t.Fatal(err)
			}
			kin := answer.VisitJSON(v, openapi3.VisitAsResponse())
			if rc.check(body) != (kin == nil) {
				t.Errorf("%s: the raw check says %v, VisitJSON says %v", name, rc.check(body), kin)
			}
		}
	}
}

// The blob's pattern is judged in one pass, and that pass gives regexp's verdict: on the
// blobs above, on every string of up to four characters over the bytes that matter, and on
// random strings around the shape. Patterns of another shape keep regexp.
func TestSegmentedPatternsMatchAsRegexpDoes(t *testing.T) {
	blob := MustLoad().CSMS.Components.Schemas["SecretBlob"].Value.Pattern
	for _, pattern := range []string{blob, `^ab[a-c]*(-[a-c]*){2}$`, `^x[0-9]+(\.[0-9]*){1}$`, `^k(?i:[a-c])+(_(?i:[a-c])*){1}$`,
		`^ab(?:[a-c.-]{2})?[a-c]+(-[a-c]*){2}$`, `^x(?:[0-9=]{1})?[0-9]*(\.[0-9]*){1}$`} {
		p := compileSegmented(pattern)
		if p == nil {
			t.Errorf("%s: not recognised as segmented", pattern)
			continue
		}
		re := regexp.MustCompile(pattern)
		check := func(s string) {
			if got, want := matchSegments(p, s), re.MatchString(s); got != want || matchSegments(p, []byte(s)) != want {
				t.Errorf("%s: %q: one pass says %v, regexp %v", pattern, s, got, want)
			}
		}
		for _, s := range blobDefects {
			check(s)
		}
		for _, s := range blobsWellFormed {
			check(s)
		}
		alphabet := []string{"a", "A", "0", ".", "-", "_", "+", "=", "\n", "\xff", "é", "ab", "x", "k", "K"}
		var all func(prefix string, n int)
		all = func(prefix string, n int) {
			check(prefix)
			check(p.prefix + prefix)
			if n == 0 {
				return
			}
			for _, a := range alphabet {
				all(prefix+a, n-1)
			}
		}
		all("", 4)
		rng := rand.New(rand.NewPCG(1, 2))
		for range 20000 {
			var b strings.Builder
			b.WriteString(p.prefix[:rng.IntN(len(p.prefix)+1)])
			for range rng.IntN(24) {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			check(b.String())
		}
	}
	for _, pattern := range []string{`^[a-zA-Z0-9_-]{1,64}$`, `^ab[a-c]+(-[a-c]*){2}`, `^ab[a-c]+(-[a-c]+){2}$`,
		`^ab[a-é]+(-[a-c]*){2}$`, `^(?i)ab[a-c]+(-[a-c]*){2}$`, `^(?i:k)[a-z]+(_[a-z]*){1}$`, `^ab[a-c-]+(-[a-c-]*){2}$`, `^ab[a-c]+(-[a-d]*){2}$`, `^ab[a-c]+(-[a-c]*){1,2}$`,
		`^ab(?:[a-c]{1,2})?[a-c]+(-[a-c]*){2}$`, `^ab(?:[a-é]{2})?[a-c]+(-[a-c]*){2}$`, `^ab([a-c]{2})?[a-c]+(-[a-c]*){2}$`} {
		if compileSegmented(pattern) != nil {
			t.Errorf("%s: recognised as segmented", pattern)
		}
	}
}
