package mock_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
)

type secretBody struct {
	Secret struct {
		ID                  string `json:"id"`
		Name                string `json:"name"`
		State               string `json:"state"`
		CreateTime          int64  `json:"create_time"`
		ScheduledDeleteTime int64  `json:"scheduled_delete_time"`
		SecretType          string `json:"secret_type"`
		SecretString        any    `json:"secret_string"`
	} `json:"secret"`
}

func TestSecretLifecycle(t *testing.T) {
	_, c := newMock(t, nil)
	before := time.Now().UnixMilli()

	var created secretBody
	c.must(200, "POST", base, `{"name":"db-password","secret_string":"s3cr3t-1","description":"db"}`, demoToken).json(t, &created)
	s := created.Secret
	if s.Name != "db-password" || s.State != "ENABLED" || s.SecretType != "COMMON" || s.ID == "" {
		t.Errorf("created secret = %+v", s)
	}
	if s.CreateTime < before || s.CreateTime > time.Now().UnixMilli() {
		t.Errorf("create_time %d is not now in epoch milliseconds", s.CreateTime)
	}
	if s.SecretString != nil {
		t.Error("metadata carries the value")
	}

	shown := c.must(200, "GET", base+"/db-password", "", demoAKSK)
	if strings.Contains(string(shown.body), "s3cr3t") {
		t.Error("ShowSecret carries the value")
	}

	if v := c.version("db-password", "v1"); *v.Version.String != "s3cr3t-1" || !slices.Equal(v.Version.Meta.Stages, []string{"SYSCURRENT"}) {
		t.Errorf("v1 = %+v", v)
	}
	c.must(200, "POST", base+"/db-password/versions", `{"secret_binary":"AAEC","version_stages":["blue"]}`, demoToken)
	c.must(200, "POST", base+"/db-password/versions", `{"secret_string":"s3cr3t-3"}`, demoAKSK)
	// v2 was given its stages, so SYSCURRENT stayed on v1 until v3 took it.
	for id, want := range map[string][]string{"v1": {"SYSPREVIOUS"}, "v2": {"blue"}, "v3": {"SYSCURRENT"}, "latest": {"SYSCURRENT"}} {
		got := c.version("db-password", id).Version.Meta.Stages
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s stages = %v, want %v", id, got, want)
		}
	}
	if v := c.version("db-password", "v2"); v.Version.Binary == nil || *v.Version.Binary != "AAEC" || v.Version.String != nil {
		t.Errorf("v2 value = %+v", v.Version)
	}

	type versionPage struct {
		List []struct {
			ID string `json:"id"`
		} `json:"version_metadatas"`
		Page struct {
			Count int     `json:"current_count"`
			Next  *string `json:"next_marker"`
		} `json:"page_info"`
	}
	var first, second versionPage
	c.must(200, "GET", base+"/db-password/versions?limit=2", "", demoToken).json(t, &first)
	if len(first.List) != 2 || first.Page.Count != 2 || first.Page.Next == nil || *first.Page.Next != "v2" {
		t.Errorf("first page of versions = %+v", first)
	}
	c.must(200, "GET", base+"/db-password/versions?limit=2&marker=v2", "", demoToken).json(t, &second)
	// On the last page next_marker is absent, so a client looping while it is present stops.
	if len(second.List) != 1 || second.List[0].ID != "v3" || second.Page.Next != nil {
		t.Errorf("second page of versions = %+v", second)
	}

	var scheduled secretBody
	c.must(200, "POST", base+"/db-password/scheduled-deleted-tasks/create", `{"recovery_window_in_days":7}`, demoToken).json(t, &scheduled)
	if scheduled.Secret.State != "PENDING_DELETE" || scheduled.Secret.ScheduledDeleteTime < before+7*24*3600*1000 {
		t.Errorf("scheduled secret = %+v", scheduled.Secret)
	}
	var cancelled secretBody
	c.must(200, "POST", base+"/db-password/scheduled-deleted-tasks/cancel", "", demoToken).json(t, &cancelled)
	if cancelled.Secret.State != "ENABLED" || cancelled.Secret.ScheduledDeleteTime != 0 {
		t.Errorf("cancelled secret = %+v", cancelled.Secret)
	}

	c.must(200, "DELETE", base+"/db-password", "", demoToken)
	c.must(404, "GET", base+"/db-password", "", demoToken)
}

func TestListSecretsPages(t *testing.T) {
	_, c := newMock(t, func(cfg *mock.Config) { cfg.DemoSecret = false })
	for i := range 5 {
		c.create(fmt.Sprintf("s%d", i), "v")
	}
	type listPage struct {
		Secrets []struct {
			Name string `json:"name"`
		} `json:"secrets"`
		Info struct {
			Count int     `json:"current_count"`
			Next  *string `json:"next_marker"`
		} `json:"page_info"`
	}
	// Two ways clients loop: while next_marker is present, and until a page is short. Both
	// see every secret once, in three pages, and stop; ?marker= (empty) is the first page.
	for _, untilShort := range []bool{false, true} {
		var names []string
		marker, pages := "", 0
		for pages < 10 {
			var page listPage
			c.must(200, "GET", base+"?limit=2&marker="+marker, "", demoToken).json(t, &page)
			pages++
			for _, s := range page.Secrets {
				names = append(names, s.Name)
			}
			if page.Info.Count != len(page.Secrets) {
				t.Errorf("current_count %d for %d secrets", page.Info.Count, len(page.Secrets))
			}
			if untilShort && page.Info.Count < 2 || !untilShort && page.Info.Next == nil {
				break
			}
			if page.Info.Next == nil {
				t.Fatalf("page %d is full but has no next_marker", pages)
			}
			marker = *page.Info.Next
		}
		if !slices.Equal(names, []string{"s0", "s1", "s2", "s3", "s4"}) || pages != 3 {
			t.Errorf("until short %v: %d pages gave %v", untilShort, pages, names)
		}
	}
}

func TestBackupAndRestore(t *testing.T) {
	_, c := newMock(t, nil)
	// Values and a stage long enough that a base64url blob cannot hold them by chance (a
	// three-letter value turns up in about one blob in a hundred).
	const one, two, stage = "first-value-plaintext", "second-value-plaintext", "green-stage-name"
	c.create("app-key", one)
	c.must(200, "POST", base+"/app-key/versions", `{"secret_string":"`+two+`","version_stages":["SYSCURRENT","`+stage+`"]}`, demoToken)

	blob := c.backup("app-key")
	if !strings.HasPrefix(blob, ")CloudSecretManagementBackupV1.com") {
		t.Fatalf("blob prefix: %.40s", blob)
	}
	if jwe := strings.TrimPrefix(blob, ")CloudSecretManagementBackupV1.com"); strings.Count(jwe, ".") != 4 {
		t.Errorf("the JWE has %d segments, want 5", strings.Count(jwe, ".")+1)
	}
	for _, leak := range []string{one, two, stage} {
		if strings.Contains(blob, leak) {
			t.Errorf("the blob shows %q", leak)
		}
	}
	if again := c.backup("app-key"); again == blob {
		t.Error("two backups are the same blob; every call must seal afresh")
	}

	body := `{"secret_blob":"` + blob + `"}`
	if code := c.must(400, "POST", base+"/restore", body, demoToken).errorCode(t); code != "CSMS.0003" {
		t.Errorf("restore onto an existing name: %s", code)
	}
	c.must(200, "DELETE", base+"/app-key", "", demoToken)
	var restored secretBody
	c.must(200, "POST", base+"/restore", body, demoToken).json(t, &restored)
	if restored.Secret.Name != "app-key" || restored.Secret.State != "ENABLED" {
		t.Errorf("restored = %+v", restored.Secret)
	}
	v1, v2 := c.version("app-key", "v1"), c.version("app-key", "v2")
	if *v1.Version.String != one || *v2.Version.String != two {
		t.Errorf("restored values = %q, %q", *v1.Version.String, *v2.Version.String)
	}
	if !slices.Contains(v2.Version.Meta.Stages, stage) || !slices.Contains(v2.Version.Meta.Stages, "SYSCURRENT") ||
		!slices.Equal(v1.Version.Meta.Stages, []string{"SYSPREVIOUS"}) {
		t.Errorf("restored stages = %v, %v", v1.Version.Meta.Stages, v2.Version.Meta.Stages)
	}
	// The next version continues the numbering.
	var added struct {
		Meta struct {
			ID string `json:"id"`
		} `json:"version_metadata"`
	}
	c.must(200, "POST", base+"/app-key/versions", `{"secret_string":"three"}`, demoToken).json(t, &added)
	if added.Meta.ID != "v3" {
		t.Errorf("version after restore = %s, want v3", added.Meta.ID)
	}
}

func TestRestoreRefusesBadBlobs(t *testing.T) {
	_, c := newMock(t, nil)
	good := c.backup(mock.DemoSecretName)
	c.must(200, "DELETE", base+"/"+mock.DemoSecretName, "", demoToken)

	_, other := newMock(t, func(cfg *mock.Config) { cfg.BackupKey, cfg.UseDemoBackupKey = nil, false }) // a key made at start
	foreign := other.backup(mock.DemoSecretName)

	flip := func(s string, at int) string {
		b := []byte(s)
		if b[at] == 'A' {
			b[at] = 'B'
		} else {
			b[at] = 'A'
		}
		return string(b)
	}
	jweStart := len(")CloudSecretManagementBackupV1.com")
	lastDot := strings.LastIndex(good, ".")
	const documented = ")CloudSecretManagementBackupV1.comeyJraWQiOiI5ZjNlZmRjNS0zZjVlLTRiZWQtYThkMS05NjE2ZTUwNDQzYWIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiUlNBLU9BRVAtMjU2In0.CtrOcFMSeW_qMdQjgKzNaWtC6hkSTdjOSMSr2IOKNa8OpbJH8rOaCt9l4LYLHKw8CF70YLWOODgaYrLiWuHgdR-O9hlALkT6CbXxJ-Cbmf6qpJF61kXKHX4TBe6-oV8t4PaPaSDDR_oeyt4Xl2EOOlHxs9PnU1st9Fkd7wOHNa4ueM16Ze5ICEdQK3cN1hnelid0zlb1qq58KhsSroNeI8B5RnoYDB-0eiFWD0XWJLppgkLnewXpuPLmLN_c558yUQ0u0VoUyBGB6EFePPbbT-Z1_LUCSRyiP9Y2S0Vz5jzzeabWZ4vZkW8JX57Wc-onHplUpsUUpIqcdHLjp40NEQ.VtA6Sg--jeA1QavYxY9z7Q.Mr6dLyontoJCaDaRFMAYg_qUdEPzd-aIIrCHWH7wvYayNpSFUjR5QJd3XPpGGy93y22jN-DoHZHclgMeureQwKq39QQF0xIdRqhOR2Lxy69PkgRaNtpz7ikLOlsbjh1wd7mbSmyolsK_0t1X9OlvOSmUMjxUXpXLzqLXxPY0R_MUxEanHb3V_vsLArF9sN1X7Km-fdUKXTV1EzVUq1eC5aSYqg3rGkLHPHG6lPXOetPWNsVCE1bX0Voh0XnlyFLSSoYzX45l04hR8JXgcP42FXfD7GugcNi7jTKuvxu4l2Q2v7wnk"

	tests := []struct {
		name, blob, wantCode, wantMsg string
	}{
		{"the documented, truncated example", documented, "CSMS.0002", "segments"},
		{"no prefix", good[jweStart:], "CSMS.0002", "does not start with"},
		{"a truncated JWE", good[:lastDot], "CSMS.0002", "segments"},
		{"a tampered ciphertext", flip(good, lastDot-5), "CSMS.0002", "secret_blob"},
		{"a tampered tag", flip(good, len(good)-3), "CSMS.0002", "secret_blob"},
		{"sealed under another mock's key", foreign, "CSMS.0002", "key"},
		{"not a blob at all", "hello", "CSMS.0002", "secret_blob"},
		{"over 5,242,880 characters", strings.Repeat("A", 5242881), "CSMS.0002", "secret_blob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.must(400, "POST", base+"/restore", `{"secret_blob":"`+tt.blob+`"}`, demoToken)
			if code := r.errorCode(t); code != tt.wantCode {
				t.Errorf("error_code = %s, want %s", code, tt.wantCode)
			}
			if !strings.Contains(string(r.body), tt.wantMsg) {
				t.Errorf("error_msg does not say %q: %s", tt.wantMsg, r.body)
			}
		})
	}
	// Nothing was restored by the refused attempts, and the good blob still works.
	c.must(404, "GET", base+"/"+mock.DemoSecretName, "", demoToken)
	c.must(200, "POST", base+"/restore", `{"secret_blob":"`+good+`"}`, demoToken)
}

func TestRestoreOnlyInTheSameProject(t *testing.T) {
	const otherProject = "ffeeddccbbaa99887766554433221100"
	_, c := newMock(t, func(cfg *mock.Config) { cfg.FixturesFile = "../examples/fixtures.yaml" })
	blob := c.backup("db-password")
	admin := creds{ak: "CIADMINAK00000000001", sk: "ciAdminSecretKey000000000000000000000000"}
	r := c.must(400, "POST", "/v1/"+otherProject+"/secrets/restore", `{"secret_blob":"`+blob+`"}`, admin)
	if !strings.Contains(string(r.body), "another project") {
		t.Errorf("error_msg: %s", r.body)
	}
}
