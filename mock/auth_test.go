package mock_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

const backupPath = base + "/" + mock.DemoSecretName + "/backup"

func TestAuthentication(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = "../examples/fixtures.yaml" })
	reader := creds{token: "MIIci-reader-token-0123456789abcdef0123"} // get and list only
	tests := []struct {
		name         string
		method, path string
		body         string
		cr           creds
		wantStatus   int
		wantCode     string
	}{
		{"token", "POST", base + "/db-password/backup", "", demoToken, 200, ""},
		{"AK/SK", "POST", base + "/db-password/backup", "", demoAKSK, 200, ""},
		{"fixture token with the action", "POST", base + "/db-password/backup", "", reader, 200, ""},
		{"no credentials", "POST", base + "/db-password/backup", "", noCreds, 401, "APIGW.0301"},
		{"garbage token", "POST", base + "/db-password/backup", "", creds{token: "MIIgarbage-garbage-garbage-garbage-garbage"}, 401, "APIGW.0301"},
		{"wrong SK", "POST", base + "/db-password/backup", "", creds{ak: mock.DemoAK, sk: "wrong-secret-key"}, 401, "APIGW.0301"},
		{"unknown AK", "POST", base + "/db-password/backup", "", creds{ak: "UNKNOWNAK", sk: mock.DemoSK}, 401, "APIGW.0301"},
		{"another project's path", "POST", "/v1/ffeeddccbbaa99887766554433221100/secrets/other-project-secret/backup", "", demoToken, 403, "APIGW.0302"},
		{"an action the credential lacks", "POST", base, `{"name":"x","secret_string":"y"}`, reader, 403, "APIGW.0302"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.must(tt.wantStatus, tt.method, tt.path, tt.body, tt.cr)
			if tt.wantCode != "" {
				if code := r.errorCode(t); code != tt.wantCode {
					t.Errorf("error_code = %s, want %s", code, tt.wantCode)
				}
			}
		})
	}
}

func TestSignatureDateWindow(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	_, c := newMock(t, func(cfg *mock.Config) {
		cfg.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	signedAt := now
	c.now = func() time.Time { return signedAt }
	for _, tt := range []struct {
		skew time.Duration
		want int
	}{{0, 200}, {14 * time.Minute, 200}, {-14 * time.Minute, 200}, {16 * time.Minute, 401}, {-16 * time.Minute, 401}} {
		signedAt = now.Add(tt.skew)
		if r := c.do("POST", backupPath, "", demoAKSK); r.status != tt.want {
			t.Errorf("signed %v from the server's clock: %d, want %d", tt.skew, r.status, tt.want)
		}
	}
}

func TestSignedBodyIsChecked(t *testing.T) {
	_, c := newMock(t, nil)
	req, _ := http.NewRequest("POST", c.url+base, strings.NewReader(`{"name":"a","secret_string":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	signWith(t, req, c.now())
	// Swap the body after signing: the body hash no longer matches.
	req.Body = http.NoBody
	req.Body = ioNopCloser(`{"name":"b","secret_string":"x"}`)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("a body changed after signing: %d, want 401", res.StatusCode)
	}
}

func TestIssuedTokens(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	_, c := newMock(t, func(cfg *mock.Config) { cfg.Now = clock })

	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"demo-password","domain":{"name":"demo-domain"}}}},"scope":{"project":{"id":"` + mock.DemoProjectID + `"}}}}`
	r := c.must(201, "POST", "/v3/auth/tokens", body, noCreds)
	token := r.header.Get("X-Subject-Token")
	if !strings.HasPrefix(token, "MII") || len(token) < 32 {
		t.Fatalf("X-Subject-Token = %q", token)
	}
	var issued struct {
		Token struct {
			ExpiresAt time.Time `json:"expires_at"`
			IssuedAt  time.Time `json:"issued_at"`
		} `json:"token"`
	}
	r.json(t, &issued)
	if got := issued.Token.ExpiresAt.Sub(issued.Token.IssuedAt); got != 24*time.Hour {
		t.Errorf("token lifetime %v, want 24h", got)
	}
	c.must(200, "POST", backupPath, "", creds{token: token})
	// Scoped to its project.
	c.must(403, "POST", "/v1/ffeeddccbbaa99887766554433221100/secrets/x/backup", "", creds{token: token})
	// By region name too.
	byName := strings.Replace(body, `"id":"`+mock.DemoProjectID+`"`, `"name":"cn-north-4"`, 1)
	c.must(201, "POST", "/v3/auth/tokens", byName, noCreds)

	mu.Lock()
	now = now.Add(24*time.Hour + time.Second)
	mu.Unlock()
	if code := c.must(401, "POST", backupPath, "", creds{token: token}).errorCode(t); code != "APIGW.0301" {
		t.Errorf("expired token: %s", code)
	}

	wrong := strings.Replace(body, "demo-password", "not-the-password", 1)
	c.must(401, "POST", "/v3/auth/tokens", wrong, noCreds)
	c.must(400, "POST", "/v3/auth/tokens", `{"auth":{}}`, noCreds)
}

func TestLogsHoldNoSecrets(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&mu, &buf}, nil))
	_, c := newMock(t, func(cfg *mock.Config) { cfg.Logger = logger })
	c.create("logged", "value-that-must-not-be-logged")
	blob := c.backup("logged")
	c.must(200, "POST", backupPath, "", demoAKSK)
	c.must(401, "POST", backupPath, "", creds{token: "MIIwrong-token-that-must-not-be-logged-0000"})
	c.must(201, "POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-user","password":"demo-password","domain":{"name":"demo-domain"}}}},"scope":{"project":{"id":"`+mock.DemoProjectID+`"}}}}`, noCreds)

	mu.Lock()
	logs := buf.String()
	mu.Unlock()
	if !strings.Contains(logs, `"operation":"DownloadSecretBlob"`) || !strings.Contains(logs, `"status":401`) {
		t.Fatalf("access log lacks the requests:\n%s", logs)
	}
	for _, secret := range []string{mock.DemoToken, mock.DemoSK, "value-that-must-not-be-logged", "MIIwrong-token", "demo-password", blob[40:80]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// A policy may name an operation's action or its alias (the vendor's pages list both, e.g.
// csms:secret:getVersion and its alias csms:secretVersion:get); either grants it.
func TestActionAliases(t *testing.T) {
	dir := t.TempDir()
	fixtures := dir + "/fixtures.yaml"
	yaml := `credentials:
  - name: by-alias
    token: MIIby-alias-token-0123456789abcdef0123456
    projects: [` + mock.DemoProjectID + `]
    actions: ["csms:secretVersion:get"]
  - name: by-action
    token: MIIby-action-token-0123456789abcdef012345
    projects: [` + mock.DemoProjectID + `]
    actions: ["csms:secret:getVersion", "csms:secretVersion:create"]
`
	if err := os.WriteFile(fixtures, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = fixtures })
	c.create("aliased", "v")
	alias := creds{token: "MIIby-alias-token-0123456789abcdef0123456"}
	action := creds{token: "MIIby-action-token-0123456789abcdef012345"}
	c.must(200, "GET", base+"/aliased/versions/v1", "", alias)
	c.must(200, "GET", base+"/aliased/versions/v1", "", action)
	c.must(200, "POST", base+"/aliased/versions", `{"secret_string":"w"}`, action) // by its alias
	c.must(403, "POST", base+"/aliased/versions", `{"secret_string":"w"}`, alias)
	c.must(403, "POST", base+"/aliased/backup", "", alias)
}
