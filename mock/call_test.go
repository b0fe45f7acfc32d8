package mock_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/csmskit/csmskit/mock"
)

// A client still sending a body the mock refuses must read the refusal, not a connection
// reset: the mock answers, then reads what is left of the body (within a bound) before
// closing, as nginx's lingering close does.
func TestOversizedBodyGetsAnAnswerNotAReset(t *testing.T) {
	_, c := newMock(t, nil)
	tenMB := `{"secret_blob":"` + strings.Repeat("A", 10<<20) + `"}`
	tests := []struct {
		name    string
		headers map[string]string
		chunked bool
		status  int
		code    string
	}{
		{"declared length over the bound", map[string]string{"X-Auth-Token": mock.DemoToken}, false, 400, "APIGW.0201"},
		{"chunked, over the bound", map[string]string{"X-Auth-Token": mock.DemoToken}, true, 400, "APIGW.0201"},
		{"chunked, refused credentials", map[string]string{"X-Auth-Token": "MII" + strings.Repeat("x", 40)}, true, 401, "APIGW.0301"},
		{"chunked, without credentials", nil, true, 401, "APIGW.0301"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tenMB)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length, so the body goes chunked
			}
			req, err := http.NewRequest("POST", c.url+base+"/restore", body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("the client got no answer: %v", err)
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var e struct {
				Code string `json:"error_code"`
			}
			if err := json.Unmarshal(raw, &e); err != nil || res.StatusCode != tt.status || e.Code != tt.code {
				t.Fatalf("got %d %s, want %d %s", res.StatusCode, bytes.TrimSpace(raw), tt.status, tt.code)
			}
		})
	}
	// The mock keeps serving.
	c.must(200, "POST", base+"/"+mock.DemoSecretName+"/backup", "", demoToken)
}
