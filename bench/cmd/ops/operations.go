package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/csmskit/csmskit/bench/internal/harness"
	"github.com/csmskit/csmskit/mock"
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
		{name: "DeleteSecretForSchedule", kind: "write, every other one RestoreSecret", paired: true, seed: pool(create),
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
	}
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
  local method, path, body = step(k - 1)
  return wrk.format(method, path, headers, body)
end
`, harness.Token)
	b.WriteString(step)
	b.WriteString("\n")
	return b.String()
}
