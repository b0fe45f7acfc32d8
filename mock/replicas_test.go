package mock_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/fault"
)

// Replicas on one PostgreSQL database act as one service. Each test starts three mocks in this
// process on a schema of its own (internal/pgtest: skipped without CSMS_TEST_POSTGRES_URL,
// failed without it in CI).

// A secret created on one replica is backed up on a second and restored on a third; the
// backup key is the database's, so every replica opens every other's blobs; a token issued by
// one replica works on all.
func TestReplicasServeOneCSMS(t *testing.T) {
	r := startReplicas(t, "", 3, nil)
	keyID := ""
	for i, x := range r {
		var h struct {
			KeyID string `json:"backup_key_id"`
		}
		_, body := x.admin("GET", "/__admin/health", "", "")
		response{body: body}.json(t, &h)
		if i > 0 && h.KeyID != keyID {
			t.Errorf("replica %d seals under %s, replica 0 under %s", i, h.KeyID, keyID)
		}
		keyID = h.KeyID
	}

	r[0].create("roaming", "roaming-value")
	blob := r[1].backup("roaming")
	r[0].must(200, "DELETE", base+"/roaming", "", demoToken)
	r[1].must(404, "GET", base+"/roaming", "", demoToken)
	r[2].must(200, "POST", base+"/restore", `{"secret_blob":"`+blob+`"}`, demoToken)
	if v := r[0].version("roaming", "latest"); v.Version.String == nil || *v.Version.String != "roaming-value" {
		t.Errorf("restored value on replica 0: %+v", v)
	}
	// Restoring again, anywhere, finds the name taken.
	r[1].must(400, "POST", base+"/restore", `{"secret_blob":"`+blob+`"}`, demoToken)

	res := r[2].must(201, "POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"`+
		mock.DemoUser+`","password":"`+mock.DemoPassword+`","domain":{"name":"`+mock.DemoDomain+`"}}}},"scope":{"project":{"id":"`+
		mock.DemoProjectID+`"}}}}`, noCreds)
	issued := creds{token: res.header.Get("X-Subject-Token")}
	if issued.token == "" {
		t.Fatal("no X-Subject-Token")
	}
	for _, x := range r {
		x.must(200, "GET", base+"/roaming", "", issued)
	}
}

// Creates spread over the replicas at once keep names unique and the quota whole: each name is
// created once, and the project ends with exactly 500 secrets (the demo secret and 499).
func TestReplicasKeepNamesAndQuota(t *testing.T) {
	r := startReplicas(t, "", 3, nil)
	const names = 540 // more than the quota leaves room for
	type outcome struct {
		name   string
		status int
		code   string
	}
	results := make(chan outcome, names*2)
	work := make(chan [2]int, names*2)
	for i := range names {
		// Every name is asked for twice, on two different replicas.
		work <- [2]int{i, i % 3}
		work <- [2]int{i, (i + 1) % 3}
	}
	close(work)
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			for w := range work {
				name := fmt.Sprintf("quota-%03d", w[0])
				status, body, err := rawCall(r[w[1]].url, "POST", base, `{"name":"`+name+`","secret_string":"v"}`)
				if err != nil {
					t.Error(err)
					return
				}
				results <- outcome{name, status, codeOf(body)}
			}
		})
	}
	wg.Wait()
	close(results)
	created := map[string]int{}
	refused := map[string]int{}
	for o := range results {
		switch {
		case o.status == 200:
			created[o.name]++
		case o.status == 400 && (o.code == "CSMS.0003" || o.code == "CSMS.0202"):
			refused[o.code]++
		default:
			t.Errorf("%s: %d %s", o.name, o.status, o.code)
		}
	}
	if len(created) != mock.DefaultConfig().MaxSecrets-1 {
		t.Errorf("%d secrets created, want %d (the quota less the demo secret)", len(created), mock.DefaultConfig().MaxSecrets-1)
	}
	for name, n := range created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
	t.Logf("refused: %v", refused)
	if n := countSecrets(t, r[2]); n != mock.DefaultConfig().MaxSecrets {
		t.Errorf("the project lists %d secrets, want %d", n, mock.DefaultConfig().MaxSecrets)
	}
}

func countSecrets(t *testing.T, c replica) int {
	t.Helper()
	n, marker := 0, ""
	for {
		q := "?limit=200"
		if marker != "" {
			q += "&marker=" + marker
		}
		var page struct {
			Secrets  []struct{} `json:"secrets"`
			PageInfo struct {
				Next string `json:"next_marker"`
			} `json:"page_info"`
		}
		c.must(200, "GET", base+q, "", demoToken).json(t, &page)
		n += len(page.Secrets)
		if page.PageInfo.Next == "" {
			return n
		}
		marker = page.PageInfo.Next
	}
}

// Fault rules count the calls made to every replica: "every 3rd" fires on exactly a third of
// them, "at most N times" exactly N times, wherever the calls land.
func TestReplicasCountFaultRulesTogether(t *testing.T) {
	r := startReplicas(t, "", 3, nil)
	addRule(t, r[0], `{"id":"third","operation":"ShowSecret","every":3,"fault":"status=502"}`)
	addRule(t, r[1], `{"id":"twice","operation":"DownloadSecretBlob","times":2,"fault":"status=504"}`)
	var mu sync.Mutex
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for i := range 10 {
				target := r[(w+i)%3].url
				for _, call := range [][2]string{{"GET", base + "/" + mock.DemoSecretName}, {"POST", base + "/" + mock.DemoSecretName + "/backup"}} {
					status, _, err := rawCall(target, call[0], call[1], "")
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					statuses[fmt.Sprintf("%s %d", call[0], status)]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	want := map[string]int{"GET 200": 40, "GET 502": 20, "POST 200": 58, "POST 504": 2}
	if fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("answers %v, want %v", statuses, want)
	}
	var list struct {
		Rules []struct {
			ID       string `json:"id"`
			Calls    int    `json:"calls"`
			Injected int    `json:"injected"`
		} `json:"rules"`
	}
	_, body := r[2].admin("GET", "/__admin/faults", "", "")
	response{body: body}.json(t, &list)
	if fmt.Sprint(list.Rules) != "[{third 60 20} {twice 2 2}]" {
		t.Errorf("counters seen on replica 2: %v", list.Rules)
	}
}

// A due deletion is purged exactly once however many replicas purge at the same time, and it is
// gone for every replica as soon as it is due, purged or not.
func TestReplicasPurgeDueDeletionsOnce(t *testing.T) {
	var clk clock
	r := startReplicas(t, "", 3, clk.editor())
	const n = 30
	for i := range n {
		name := fmt.Sprintf("doomed-%02d", i)
		r[i%3].create(name, "v")
		r[(i+1)%3].must(200, "POST", base+"/"+name+"/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, demoToken)
	}
	r[0].create("kept", "v")
	clk.advance(7*24*time.Hour + time.Minute)
	for _, x := range r {
		x.must(404, "GET", base+"/doomed-00", "", demoToken)
	}
	allAtOnce(t, r, (*mock.Server).PurgeDue)
	purged := map[string]int{}
	for _, x := range r {
		for _, line := range x.logs.lines("purged a secret") {
			_, name, _ := strings.Cut(line, "secret=")
			purged[name]++
		}
	}
	if len(purged) != n {
		t.Errorf("%d secrets purged, want %d: %v", len(purged), n, purged)
	}
	for name, k := range purged {
		if k != 1 {
			t.Errorf("%s purged %d times", name, k)
		}
	}
	if got := countSecrets(t, r[1]); got != 2 {
		t.Errorf("%d secrets left, want the demo secret and kept", got)
	}
	for _, x := range r {
		if more, err := x.srv.PurgeDue(); more != 0 || err != nil {
			t.Errorf("a later pass purged %d (%v)", more, err)
		}
	}
}

// Admin changes made on one replica hold on all: fixtures (their secrets and rules), a rule
// removed, and a reset.
func TestReplicasShareAdminChanges(t *testing.T) {
	r := startReplicas(t, "", 3, nil)
	fixtures := "projects:\n  - id: " + mock.DemoProjectID + "\n    secrets:\n      - name: from-fixtures\n        versions:\n          - value: fx\n" +
		"faults:\n  - {id: slow, secret: from-fixtures, fault: \"delay=1ms\"}\n" +
		"credentials:\n  - {name: posted, token: MIIposted-token-0123456789abcdef0123456, ak: POSTEDAK000000000001, sk: postedSecretKey0000000000000000000000000, projects: [\"*\"]}\n" +
		"users:\n  - {name: posted-user, password: posted-password, domain: " + mock.DemoDomain + ", project_id: " + mock.DemoProjectID + "}\n"
	if status, body := r[1].admin("POST", "/__admin/fixtures", fixtures, ""); status != 204 {
		t.Fatalf("fixtures: %d %s", status, body)
	}
	r[2].must(200, "GET", base+"/from-fixtures", "", demoToken)
	// Credentials and users posted to one replica work on every replica.
	for i, x := range r {
		x.must(200, "GET", base+"/from-fixtures", "", creds{token: "MIIposted-token-0123456789abcdef0123456"})
		x.must(200, "GET", base+"/from-fixtures", "", creds{ak: "POSTEDAK000000000001", sk: "postedSecretKey0000000000000000000000000"})
		tokenReq := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"posted-user","password":"posted-password","domain":{"name":"` +
			mock.DemoDomain + `"}}}},"scope":{"project":{"id":"` + mock.DemoProjectID + `"}}}}`
		if res := x.do("POST", "/v3/auth/tokens", tokenReq, noCreds); res.status != 201 {
			t.Errorf("replica %d: a token for the posted user: %d %s", i, res.status, res.body)
		}
	}
	if got := ruleIDs(t, r[0]); !slices.Contains(got, "slow") {
		t.Errorf("replica 0 does not list the rule loaded on replica 1: %s", got)
	}
	if status, body := r[2].admin("DELETE", "/__admin/faults/slow", "", ""); status != 204 {
		t.Fatalf("remove the rule: %d %s", status, body)
	}
	if got := ruleIDs(t, r[1]); slices.Contains(got, "slow") {
		t.Errorf("the rule removed on replica 2 is still on replica 1: %s", got)
	}
	addRule(t, r[0], `{"id":"gone-after-reset","fault":"status=500"}`)
	if status, body := r[0].admin("POST", "/__admin/reset", "", ""); status != 204 {
		t.Fatalf("reset: %d %s", status, body)
	}
	for i, x := range r {
		x.must(404, "GET", base+"/from-fixtures", "", demoToken)
		x.must(200, "GET", base+"/"+mock.DemoSecretName, "", demoToken)
		if got := ruleIDs(t, x); slices.Contains(got, "gone-after-reset") {
			t.Errorf("replica %d keeps a rule after the reset on replica 0: %s", i, got)
		}
	}
}

// Rules given at start are added once however many replicas start with them, and a restart
// keeps their counters.
func TestReplicasAddStartRulesOnce(t *testing.T) {
	rules := func(cfg *mock.Config) {
		cfg.FaultRules = []fault.Rule{{Operation: "ShowSecret", Every: 2, Fault: "status=502"}}
	}
	r := startReplicas(t, "", 3, rules)
	if got := ruleIDs(t, r[1]); !slices.Equal(got, []string{"config-1"}) {
		t.Errorf("rules after three starts: %v", got)
	}
}

func addRule(t *testing.T, x replica, rule string) {
	t.Helper()
	if status, body := x.admin("POST", "/__admin/faults", rule, ""); status != 201 {
		t.Fatalf("add rule %s: %d %s", rule, status, body)
	}
}

func ruleIDs(t *testing.T, x replica) []string {
	t.Helper()
	var list struct {
		Rules []struct {
			ID string `json:"id"`
		} `json:"rules"`
	}
	_, body := x.admin("GET", "/__admin/faults", "", "")
	response{body: body}.json(t, &list)
	var ids []string
	for _, r := range list.Rules {
		ids = append(ids, r.ID)
	}
	return ids
}
