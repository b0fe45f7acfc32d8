package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/auth"
)

// The projects the operations run in: the reads and writes in one, ListSecrets in the demo
// project filled to its quota.
const (
	opsProject  = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
	listProject = mock.DemoProjectID
	ops         = "/v1/" + opsProject
)

// operation is one row of the table: how to give a fresh server the secrets it needs, and the
// Lua function step(k) that returns the method, path and body of a wrk thread's k-th request
// (the thread's number, from 1, is id).
type operation struct {
	name, kind string
	// paired runs one wrk thread per connection (the thread's requests in order).
	paired bool
	// partner is the operation a paired write takes turns with when it has no row of its own.
	partner string
	// seed gives the server its secrets and returns Lua definitions the step reads.
	seed func(c *client, threads int) (map[string]string, error)
	step string
}

// operations lists every CSMS operation, reads first.
func operations() []operation {
	// A paired write runs one wrk thread per connection, each in a project of its own
	// (POOL, poolPath) with one secret, s, that it writes and then undoes, in turn: a
	// thread's requests go one after the other, so the undoing always follows its doing.
	pool := func(prepare func(c *client, project string) error) func(*client, int) (map[string]string, error) {
		return func(c *client, threads int) (map[string]string, error) {
			defs, err := seedReads(c)
			if err != nil {
				return nil, err
			}
			for t := 1; t <= threads; t++ {
				if err := prepare(c, poolPath(t)); err != nil {
					return nil, err
				}
			}
			return defs, nil
		}
	}
	create := func(c *client, project string) error {
		_, err := c.call("POST", project+"/secrets", `{"name":"s","secret_string":"value"}`)
		return err
	}
	get := func(path string) string { return `function step(k) return "GET", ` + path + `, nil end` }
	return []operation{
		{name: "ShowSecret", kind: "read", seed: seedOnlyReads, step: get(`OPS .. "/secrets/r"`)},
		{name: "ShowSecretVersion", kind: "read", seed: seedOnlyReads, step: get(`OPS .. "/secrets/r/versions/latest"`)},
		{name: "ListSecretVersions", kind: "list", seed: seedOnlyReads, step: get(`OPS .. "/secrets/r/versions"`)},
		{name: "ShowSecretStage", kind: "read", seed: seedOnlyReads, step: get(`OPS .. "/secrets/r/stages/blue"`)},
		{name: "ListSecretTags", kind: "read", seed: seedOnlyReads, step: get(`OPS .. "/csms/" .. RID .. "/tags"`)},
		{name: "DownloadSecretBlob", kind: "read (backup)", seed: seedOnlyReads,
			step: `function step(k) return "POST", OPS .. "/secrets/r/backup", nil end`},
		{name: "GenerateRandomPassword", kind: "read", seed: seedOnlyReads,
			step: `function step(k) return "POST", OPS .. "/csms/generate-password", '{"length":32}' end`},
		{name: "ListSecrets", kind: "list (50 of 500)", seed: seedList, step: get(`LIST .. "/secrets?limit=50"`)},
		{name: "ListProjectSecretsTags", kind: "list (22 secrets)", seed: seedOnlyReads, step: get(`OPS .. "/csms/tags"`)},
		{name: "ListResourceInstances", kind: "list (10 of 11)", seed: seedOnlyReads,
			step: `function step(k) return "POST", OPS .. "/csms/resource_instances/action", '{"action":"filter","limit":"10","tags":[{"key":"team","values":["db"]}]}' end`},
		{name: "CreateSecret", kind: "write", seed: seedOnlyReads,
			// A new project every 400 secrets, within the quota of 500.
			step: `function step(k)
  local project = string.format("c%02d%029d", id, math.floor(k / 400))
  return "POST", "/v1/" .. project .. "/secrets", '{"name":"n' .. k .. '","secret_string":"value"}'
end`},
		{name: "UpdateSecret", kind: "write", seed: seedOnlyReads,
			step: `function step(k) return "PUT", OPS .. "/secrets/r", '{"description":"description ' .. k .. '"}' end`},
		{name: "CreateSecretVersion", kind: "write (of 20 kept)", seed: seedOnlyReads,
			step: `function step(k) return "POST", OPS .. "/secrets/w/versions", '{"secret_string":"value ' .. k .. '"}' end`},
		{name: "UpdateVersion", kind: "write", seed: seedOnlyReads,
			step: `function step(k) return "PUT", OPS .. "/secrets/r/versions/v1", '{"expire_time":' .. (1893456000 + k) .. '}' end`},
		{name: "UpdateSecretStage", kind: "write", seed: seedOnlyReads,
			step: `function step(k) return "PUT", OPS .. "/secrets/r/stages/blue", '{"version_id":"v' .. (k % 2 + 2) .. '"}' end`},
		{name: "CreateSecretTag", kind: "write", seed: seedOnlyReads,
			step: `function step(k) return "POST", OPS .. "/csms/" .. RID .. "/tags", '{"tag":{"key":"team","value":"team-' .. (k % 10) .. '"}}' end`},
		{name: "DeleteSecretTag", kind: "write, every other one CreateSecretTag", seed: seedOnlyReads,
			// Removing a key the secret lacks is no error: the two may meet in any order.
			step: `function step(k)
  if k % 2 == 1 then return "POST", OPS .. "/csms/" .. RID .. "/tags", '{"tag":{"key":"t' .. id .. '","value":"v"}}' end
  return "DELETE", OPS .. "/csms/" .. RID .. "/tags/t" .. id, nil
end`},
		{name: "BatchCreateOrDeleteTags", kind: "write, create and delete in turn", seed: seedOnlyReads,
			step: `function step(k)
  local action = k % 2 == 1 and "create" or "delete"
  return "POST", OPS .. "/csms/" .. RID .. "/tags/action", '{"action":"' .. action .. '","tags":[{"key":"b' .. id .. 'x","value":"1"},{"key":"b' .. id .. 'y","value":"2"}]}'
end`},
		{name: "DeleteSecret", kind: "write, every other one CreateSecret", paired: true,
			seed: pool(func(*client, string) error { return nil }),
			step: `function step(k)
  if k % 2 == 1 then return "POST", POOL .. "/secrets", '{"name":"s","secret_string":"value"}' end
  return "DELETE", POOL .. "/secrets/s", nil
end`},
		{name: "DeleteSecretForSchedule", kind: "write, every other one RestoreSecret", paired: true, partner: "RestoreSecret", seed: pool(create),
			step: `function step(k)
  local tasks = POOL .. "/secrets/s/scheduled-deleted-tasks/"
  if k % 2 == 1 then return "POST", tasks .. "create", '{"recovery_window_in_days":7}' end
  return "POST", tasks .. "cancel", nil
end`},
		{name: "UploadSecretBlob", kind: "write, every other one DeleteSecret", paired: true, seed: seedRestores,
			step: `function step(k)
  if k % 2 == 1 then return "POST", POOL .. "/secrets/restore", '{"secret_blob":"' .. BLOBS[id] .. '"}' end
  return "DELETE", POOL .. "/secrets/s", nil
end`},
		{name: "DeleteSecretStage", kind: "write, every other one UpdateSecretStage", paired: true, seed: pool(create),
			step: `function step(k)
  local stage = POOL .. "/secrets/s/stages/blue"
  if k % 2 == 1 then return "PUT", stage, '{"version_id":"v1"}' end
  return "DELETE", stage, nil
end`},
		{name: "RotateSecret", kind: "write (of 20 kept)", seed: seedAfterReads(rotating),
			step: `function step(k) return "POST", OPS .. "/secrets/rot/rotate", nil end`},
		{name: "ListSecretTask", kind: "list (20 tasks)", seed: seedAfterReads(rotated),
			step: get(`OPS .. "/csms/tasks?secret_name=rot&limit=20"`)},
		{name: "ListSecretEvents", kind: "list (10 events)", seed: seedAfterReads(events), step: get(`OPS .. "/csms/events?limit=10"`)},
		{name: "ShowSecretEvent", kind: "read", seed: seedAfterReads(events), step: get(`OPS .. "/csms/events/ev00"`)},
		{name: "UpdateSecretEvent", kind: "write", seed: seedAfterReads(events),
			step: `function step(k)
  local state = k % 2 == 0 and "ENABLED" or "DISABLED"
  return "PUT", OPS .. "/csms/events/ev00", '{"state":"' .. state .. '"}'
end`},
		{name: "CreateSecretEvent", kind: "write, every other one DeleteSecretEvent", paired: true, partner: "DeleteSecretEvent",
			// A project holds at most 30 events.
			seed: pool(func(*client, string) error { return nil }),
			step: `function step(k)
  if k % 2 == 1 then return "POST", POOL .. "/csms/events", '` + eventBody("e") + `' end
  return "DELETE", POOL .. "/csms/events/e", nil
end`},
		{name: "ListNotificationRecords", kind: "list (21 records)", seed: seedAfterReads(notified),
			step: get(`OPS .. "/csms/notification-records"`)},
		{name: "ListGrants", kind: "list (10 grants)", seed: seedAfterReads(grants), step: get(`OPS .. "/csms/grants?resource_id=" .. RID`)},
		{name: "UpdateGrant", kind: "write", seed: seedAfterReads(grants),
			step: `function step(k)
  return "PUT", OPS .. "/csms/grants?resource_id=" .. RID, '{"resource_id":"' .. RID .. '","type":"SECRET","grantee_type":"0","grantee_target_id":"g00","validity_time":"' .. (1893456000000 + k) .. '"}'
end`},
		{name: "CreateGrants", kind: "write, every other one DeleteGrant", paired: true, partner: "DeleteGrant",
			// A grantee has one grant of a secret: each thread grants r to a user of its own.
			seed: seedOnlyReads,
			step: `function step(k)
  if k % 2 == 1 then return "POST", OPS .. "/csms/grants", '{"resource_id":"' .. RID .. '","type":"SECRET","grantee_type":"0","grantee_target_id":"u' .. id .. '"}' end
  return "DELETE", OPS .. "/csms/grants?resource_id=" .. RID .. "&grantee_user=u" .. id, nil
end`},
		{name: "BatchImportSecrets", kind: "write (10 secrets)", seed: seedOnlyReads,
			// A new project every 40 batches, within the quota of 500.
			step: `function step(k)
  local project = string.format("i%02d%029d", id, math.floor(k / 40))
  local secrets = {}
  for i = 1, 10 do secrets[i] = '{"name":"n' .. k .. '-' .. i .. '","secret_string":"value"}' end
  return "POST", "/v1/" .. project .. "/secrets/batch-import", '{"secrets":[' .. table.concat(secrets, ",") .. ']}'
end`},
		{name: "CheckSecrets", kind: "read (10 secrets judged)", seed: seedOnlyReads,
			step: `function step(k) return "POST", OPS .. "/secrets/checker/check", '{"type":"1","data":{"secret_names":["r","w","x00","x01","x02","x03","x04","x05","x06","x07"]}}' end`},
		{name: "ShowSecretsConfig", kind: "read", seed: seedOnlyReads, step: get(`OPS .. "/secrets/checker/config"`)},
		{name: "UpdateSecretsConfig", kind: "write", seed: seedOnlyReads,
			step: `function step(k) return "POST", OPS .. "/secrets/checker/config", '{"checking_secret_strength":' .. tostring(k % 2 == 0) .. '}' end`},
		// The account's operations name no project; the floor does their work with the
		// packages the mock's handlers call, mock/account and mock/auth.
		{name: "ShowSecretFunctionTemplates", kind: "read (no store)", seed: seedOnlyReads,
			step: get(`"/v1/csms/function-templates?secret_type=RDS-FG&secret_sub_type=SingleUser&engine=mysql"`)},
		{name: "CreateAgency", kind: "write (the agencies exist: reported)", seed: seedOnlyReads,
			step: `function step(k) return "POST", "/v1/csms/agencies", '{"secret_type":"RDS-FG"}' end`},
		{name: "ShowAgency", kind: "read", seed: seedOnlyReads, step: get(`"/v1/csms/agencies?secret_type=RDS-FG"`)},
		{name: "ListUsers", kind: "list (10 users)", seed: seedOnlyReads, step: get(`"/v1/csms/users?offset=0&limit=10"`)},
		{name: "ShowUserDetail", kind: "read", seed: seedOnlyReads,
			step: get(`"/v1/csms/users/` + auth.UserID(harness.UserName(1), mock.DemoDomain) + `"`)},
		{name: "UpdateUserPassword", kind: "write, two passwords in turn", paired: true, seed: seedTokens,
			// Each thread changes the password of its own user, with that user's token.
			step: `function step(k)
  local old, new = PASSWORDS[1], PASSWORDS[2]
  if k % 2 == 0 then old, new = new, old end
  return "POST", "/v1/csms/users/change-password", '{"password":"' .. new .. '","old_password":"' .. old .. '"}', TOKENS[id]
end`},
	}
}

// userFixtures is the users section of the mock's fixtures: n users (harness.UserName), each
// with the first of harness.UserPasswords. The floor makes the same users itself.
func userFixtures(n int) string {
	var b strings.Builder
	b.WriteString("users:\n")
	for t := 1; t <= n; t++ {
		fmt.Fprintf(&b, "  - {name: %s, password: %s, domain: %s, project_id: %s}\n", harness.UserName(t), harness.UserPasswords[0], mock.DemoDomain, opsProject)
	}
	return b.String()
}

// eventBody is the body of CreateSecretEvent for an event of that name.
func eventBody(name string) string {
	return `{"name":"` + name + `","event_types":["SECRET_VERSION_CREATED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:smn:region:project:alerts","target_name":"alerts"}}`
}

// poolPath is the path of the project of wrk thread t (the Lua POOL).
func poolPath(t int) string { return fmt.Sprintf("/v1/p%031d", t) }

// warmupStep is what every run warms a server up with: reads of one secret.
const warmupStep = `function step(k) return "GET", OPS .. "/secrets/r", nil end`

// seedReads gives a server the secrets every operation reads: r (three versions, the stage
// blue on v2, five tags), w (whose versions grow) and twenty more with tags; it returns r's id
// as RID.
func seedReads(c *client) (map[string]string, error) {
	body, err := c.call("POST", ops+"/secrets", `{"name":"r","secret_string":"`+strings.Repeat("r", 64)+`","description":"read"}`)
	if err != nil {
		return nil, err
	}
	var created struct {
		Secret struct {
			ID string `json:"id"`
		} `json:"secret"`
	}
	if err := json.Unmarshal(body, &created); err != nil || created.Secret.ID == "" {
		return nil, fmt.Errorf("create r: no id in %s", body)
	}
	rid := created.Secret.ID
	calls := [][3]string{
		{"POST", ops + "/secrets/r/versions", `{"secret_string":"second"}`},
		{"POST", ops + "/secrets/r/versions", `{"secret_string":"third"}`},
		{"PUT", ops + "/secrets/r/stages/blue", `{"version_id":"v2"}`},
		{"POST", ops + "/csms/" + rid + "/tags/action", `{"action":"create","tags":[{"key":"team","value":"db"},{"key":"env","value":"prod"},{"key":"tier","value":"1"},{"key":"owner","value":"ops"},{"key":"cost","value":"42"}]}`},
		{"POST", ops + "/secrets", `{"name":"w","secret_string":"value"}`},
	}
	for i := range 20 {
		name := fmt.Sprintf("x%02d", i)
		team := []string{"db", "web"}[i%2]
		body, err := c.call("POST", ops+"/secrets", `{"name":"`+name+`","secret_string":"value"}`)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &created); err != nil {
			return nil, err
		}
		calls = append(calls, [3]string{"POST", ops + "/csms/" + created.Secret.ID + "/tags", `{"tag":{"key":"team","value":"` + team + `"}}`})
	}
	for _, call := range calls {
		if _, err := c.call(call[0], call[1], call[2]); err != nil {
			return nil, err
		}
	}
	return map[string]string{"RID": strconv.Quote(rid)}, nil
}

func seedOnlyReads(c *client, _ int) (map[string]string, error) { return seedReads(c) }

// seedAfterReads seeds the reads, then the requests calls returns for r's id.
func seedAfterReads(calls func(rid string) [][3]string) func(*client, int) (map[string]string, error) {
	return func(c *client, _ int) (map[string]string, error) {
		defs, err := seedReads(c)
		if err != nil {
			return nil, err
		}
		rid, err := strconv.Unquote(defs["RID"])
		if err != nil {
			return nil, err
		}
		for _, call := range calls(rid) {
			if _, err := c.call(call[0], call[1], call[2]); err != nil {
				return nil, err
			}
		}
		return defs, nil
	}
}

// rotating makes rot, a secret that rotates.
func rotating(string) [][3]string {
	return [][3]string{{"POST", ops + "/secrets", `{"name":"rot","secret_type":"RDS-FG","secret_string":"{\"username\":\"u\",\"password\":\"p\"}"}`}}
}

// rotated makes rot and rotates it 20 times.
func rotated(rid string) [][3]string {
	calls := rotating(rid)
	for range 20 {
		calls = append(calls, [3]string{"POST", ops + "/secrets/rot/rotate", ""})
	}
	return calls
}

// events makes the events ev00 to ev09.
func events(string) [][3]string {
	var calls [][3]string
	for i := range 10 {
		calls = append(calls, [3]string{"POST", ops + "/csms/events", eventBody(fmt.Sprintf("ev%02d", i))})
	}
	return calls
}

// notified makes the event alerts and a secret that subscribes to it, then 20 versions more of
// the secret: a notification record of each of its 21 versions.
func notified(string) [][3]string {
	calls := [][3]string{
		{"POST", ops + "/csms/events", eventBody("alerts")},
		{"POST", ops + "/secrets", `{"name":"notified","secret_string":"value","event_subscriptions":["alerts"]}`},
	}
	for i := range 20 {
		calls = append(calls, [3]string{"POST", ops + "/secrets/notified/versions", fmt.Sprintf(`{"secret_string":"value %d"}`, i)})
	}
	return calls
}

// grants grants r to the users g00 to g09.
func grants(rid string) [][3]string {
	var calls [][3]string
	for i := range 10 {
		calls = append(calls, [3]string{"POST", ops + "/csms/grants",
			fmt.Sprintf(`{"resource_id":%q,"type":"SECRET","grantee_type":"0","grantee_target_id":"g%02d"}`, rid, i)})
	}
	return calls
}

// seedTokens gives each thread a token of its own user (TOKENS[thread]) and the two passwords
// the user changes between (PASSWORDS).
func seedTokens(c *client, threads int) (map[string]string, error) {
	defs, err := seedReads(c)
	if err != nil {
		return nil, err
	}
	var tokens strings.Builder
	tokens.WriteString("{")
	for t := 1; t <= threads; t++ {
		token, err := c.token(harness.UserName(t), harness.UserPasswords[0])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&tokens, "%q,", token)
	}
	tokens.WriteString("}")
	defs["TOKENS"] = tokens.String()
	defs["PASSWORDS"] = fmt.Sprintf("{%q,%q}", harness.UserPasswords[0], harness.UserPasswords[1])
	return defs, nil
}

// seedList fills the list project to its quota of 500 secrets (the mock, started with
// fixtures, has no demo secret).
func seedList(c *client, _ int) (map[string]string, error) {
	defs, err := seedReads(c)
	if err != nil {
		return nil, err
	}
	for i := range 500 {
		if _, err := c.call("POST", "/v1/"+listProject+"/secrets", fmt.Sprintf(`{"name":"list-%03d","secret_string":"value"}`, i)); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// seedRestores gives each thread's project its secret backed up and deleted again (its blob
// in BLOBS[thread]), for restores to bring back.
func seedRestores(c *client, threads int) (map[string]string, error) {
	defs, err := seedReads(c)
	if err != nil {
		return nil, err
	}
	var blobs strings.Builder
	blobs.WriteString("{")
	for t := 1; t <= threads; t++ {
		if _, err := c.call("POST", poolPath(t)+"/secrets", `{"name":"s","secret_string":"restored value"}`); err != nil {
			return nil, err
		}
		body, err := c.call("POST", poolPath(t)+"/secrets/s/backup", "")
		if err != nil {
			return nil, err
		}
		var b struct {
			Blob string `json:"secret_blob"`
		}
		if err := json.Unmarshal(body, &b); err != nil {
			return nil, err
		}
		fmt.Fprintf(&blobs, "%q,", b.Blob)
		if _, err := c.call("DELETE", poolPath(t)+"/secrets/s", ""); err != nil {
			return nil, err
		}
	}
	blobs.WriteString("}")
	defs["BLOBS"] = blobs.String()
	return defs, nil
}

// luaScript is the wrk script of a step: the definitions, each thread's number as id and its
// pool's project as POOL, and a request function that sends step(k) for the k-th request of
// the thread.
func luaScript(step string, defs map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "OPS = %q\nLIST = %q\n", ops, "/v1/"+listProject)
	for name, v := range defs {
		fmt.Fprintf(&b, "%s = %s\n", name, v)
	}
	fmt.Fprintf(&b, `local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  k = 0
  POOL = string.format("/v1/p%%031d", id) -- poolPath
end
local headers = {["X-Auth-Token"] = %q, ["Content-Type"] = "application/json"}
function request()
  k = k + 1
  -- wrk asks for one request before the run and drops it: a read of r, harmless if sent.
  if k == 1 then return wrk.format("GET", OPS .. "/secrets/r", headers) end
  -- A fourth value is a token of the thread's own to send instead.
  local method, path, body, token = step(k - 1)
  if token then
    return wrk.format(method, path, {["X-Auth-Token"] = token, ["Content-Type"] = "application/json"}, body)
  end
  return wrk.format(method, path, headers, body)
end
`, harness.Token)
	b.WriteString(step)
	b.WriteString("\n")
	return b.String()
}
