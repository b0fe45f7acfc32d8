// The store's and the service's invariants under concurrent requests; one scenario per
// invariant, kept in one file because every scenario runs on the one harness at its top (the
// mock on each kind of store, the client that counts answers).

package mock_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csmskit/csmskit/mock"
	"github.com/csmskit/csmskit/mock/blob"
	"github.com/csmskit/csmskit/mock/secrets"
)

// Concurrency: many goroutines run create, version, backup, delete and restore on the same names,
// over real HTTP, against the in-memory store and the bbolt one. `go test -race` runs these with
// the race detector; the invariants are checked on every answer and at the end.

// loadClient calls a mock from many goroutines with the demo token.
type loadClient struct {
	url  string
	http *http.Client
}

func startConcurrent(t *testing.T, dataDir string) *loadClient {
	t.Helper()
	cfg := mock.DefaultConfig()
	cfg.BackupKey = testKey()
	cfg.DataDir = dataDir
	srv, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		ts.Close()
		noResponseViolations(t, srv)
		if err := srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return &loadClient{url: ts.URL, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

type answer struct {
	status int
	code   string
	body   []byte
}

func (c *loadClient) do(ctx context.Context, method, path, body string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, strings.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	a := answer{status: res.StatusCode, body: data}
	if a.status >= 400 {
		var e struct {
			Code string `json:"error_code"`
		}
		_ = json.Unmarshal(data, &e)
		a.code = e.Code
	}
	return a, nil
}

func storeKinds(t *testing.T) map[string]string {
	return map[string]string{"memory": "", "bbolt": t.TempDir()}
}

// TestConcurrentCreateOneWinner: many creates of one name, one wins, the rest get CSMS.0003.
func TestConcurrentCreateOneWinner(t *testing.T) {
	for kind, dir := range storeKinds(t) {
		t.Run(kind, func(t *testing.T) {
			c := startConcurrent(t, dir)
			const n = 24
			var wg sync.WaitGroup
			answers := make([]answer, n)
			for i := range n {
				wg.Go(func() {
					a, err := c.do(t.Context(), "POST", base, fmt.Sprintf(`{"name":"contested","secret_string":"from-%d"}`, i))
					if err != nil {
						t.Error(err)
					}
					answers[i] = a
				})
			}
			wg.Wait()
			winners := 0
			winner := -1
			for i, a := range answers {
				switch {
				case a.status == 200:
					winners++
					winner = i
				case a.status == 400 && a.code == "CSMS.0003":
				default:
					t.Errorf("create %d: %d %s", i, a.status, a.body)
				}
			}
			if winners != 1 {
				t.Fatalf("%d creates of one name succeeded, want exactly 1", winners)
			}
			a, _ := c.do(t.Context(), "GET", base+"/contested/versions/latest", "")
			if !strings.Contains(string(a.body), fmt.Sprintf(`"secret_string":"from-%d"`, winner)) {
				t.Errorf("the stored value is not the winner's (from-%d): %s", winner, a.body)
			}
		})
	}
}

// TestConcurrentVersionsLoseNothing: many versions added to one secret at once. Exactly the 19
// that fit succeed, each gets its own ID, every acknowledged version is stored with its value,
// and the stages end consistent (the last acknowledged is SYSCURRENT, the one before SYSPREVIOUS).
func TestConcurrentVersionsLoseNothing(t *testing.T) {
	for kind, dir := range storeKinds(t) {
		t.Run(kind, func(t *testing.T) {
			c := startConcurrent(t, dir)
			if a, err := c.do(t.Context(), "POST", base, `{"name":"versioned","secret_string":"v-0"}`); err != nil || a.status != 200 {
				t.Fatalf("create: %v %d %s", err, a.status, a.body)
			}
			const n = 32
			var wg sync.WaitGroup
			ids := make([]string, n)
			for i := range n {
				wg.Go(func() {
					a, err := c.do(t.Context(), "POST", base+"/versioned/versions", fmt.Sprintf(`{"secret_string":"v-%d"}`, i+1))
					switch {
					case err != nil:
						t.Error(err)
					case a.status == 200:
						var out struct {
							Meta struct {
								ID string `json:"id"`
							} `json:"version_metadata"`
						}
						_ = json.Unmarshal(a.body, &out)
						ids[i] = out.Meta.ID
					default:
						t.Errorf("add version %d: %d %s", i, a.status, a.body)
					}
				})
			}
			wg.Wait()
			acked := map[string]int{} // version ID → which goroutine got it
			for i, id := range ids {
				if id == "" {
					continue
				}
				if j, dup := acked[id]; dup {
					t.Fatalf("goroutines %d and %d both got version %s", j, i, id)
				}
				acked[id] = i
			}
			if len(acked) != n {
				t.Errorf("%d versions acknowledged, want all %d: beyond 20 the oldest version without a stage retires", len(acked), n)
			}
			// A secret keeps 20 versions: the newest 20 of the 33 (v1 and the 32 added).
			vs := listVersions(t, c, "versioned")
			if len(vs) != secrets.MaxVersions {
				t.Fatalf("%d versions stored, want %d", len(vs), secrets.MaxVersions)
			}
			for i, v := range vs {
				if want := "v" + strconv.Itoa(n+1-secrets.MaxVersions+1+i); v.ID != want {
					t.Fatalf("version %d is %s, want %s", i, v.ID, want)
				}
			}
			for id, g := range acked {
				if !slices.ContainsFunc(vs, func(v versionMeta) bool { return v.ID == id }) {
					continue // retired
				}
				a, _ := c.do(t.Context(), "GET", base+"/versioned/versions/"+id, "")
				if !strings.Contains(string(a.body), fmt.Sprintf(`"secret_string":"v-%d"`, g+1)) {
					t.Errorf("version %s does not hold goroutine %d's value: %s", id, g, a.body)
				}
			}
			checkStages(t, "versioned", vs)
			if !slices.Contains(vs[len(vs)-1].Stages, "SYSCURRENT") || !slices.Contains(vs[len(vs)-2].Stages, "SYSPREVIOUS") {
				t.Errorf("the newest version is not SYSCURRENT with the one before SYSPREVIOUS: %+v", vs[len(vs)-2:])
			}
		})
	}
}

type versionMeta struct {
	ID     string   `json:"id"`
	Stages []string `json:"version_stages"`
}

func listVersions(t *testing.T, c *loadClient, name string) []versionMeta {
	t.Helper()
	a, err := c.do(t.Context(), "GET", base+"/"+name+"/versions?limit=50", "")
	if err != nil || a.status != 200 {
		t.Fatalf("list versions of %s: %v %d %s", name, err, a.status, a.body)
	}
	var out struct {
		Versions []versionMeta `json:"version_metadatas"`
	}
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Versions
}

// checkStages: a secret's versions carry SYSCURRENT exactly once and SYSPREVIOUS at most once.
func checkStages(t *testing.T, name string, vs []versionMeta) {
	t.Helper()
	if err := stagesError(vs); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

func stagesError(vs []versionMeta) error {
	current, previous := 0, 0
	for _, v := range vs {
		if slices.Contains(v.Stages, "SYSCURRENT") {
			current++
		}
		if slices.Contains(v.Stages, "SYSPREVIOUS") {
			previous++
		}
	}
	if len(vs) > 0 && (current != 1 || previous > 1) {
		return fmt.Errorf("%d SYSCURRENT and %d SYSPREVIOUS among %d versions", current, previous, len(vs))
	}
	return nil
}

// sealedBackup is what a blob holds (mock/secrets' backup format, read here with the mock's own
// key to check restores against it).
type sealedBackup struct {
	ProjectID string `json:"project_id"`
	Secret    struct {
		Name     string `json:"name"`
		Versions []struct {
			ID     string   `json:"id"`
			Stages []string `json:"stages"`
			Value  struct {
				String *string `json:"string"`
				Binary *string `json:"binary"`
			} `json:"value"`
		} `json:"versions"`
	} `json:"secret"`
}

// TestConcurrentLifecycle: goroutines run a random mix of create, add version, backup, delete,
// restore and reads on a few shared names. Every answer must be a success or the documented
// refusal for the race it lost; every list of versions must be whole (v1… in order, one
// SYSCURRENT); afterwards every backup that was handed out must restore, completely.
func TestConcurrentLifecycle(t *testing.T) {
	for kind, dir := range storeKinds(t) {
		t.Run(kind, func(t *testing.T) {
			c := startConcurrent(t, dir)
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			names := []string{"shared-a", "shared-b", "shared-c"}
			const workers, opsEach = 8, 20
			var (
				mu    sync.Mutex
				blobs []string
				ops   = map[string]int{}
			)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(w), 42))
					for i := range opsEach {
						if ctx.Err() != nil {
							t.Error("the run did not finish in time")
							return
						}
						name := names[rng.IntN(len(names))]
						var blobToRestore string
						mu.Lock()
						if len(blobs) > 0 {
							blobToRestore = blobs[rng.IntN(len(blobs))]
						}
						mu.Unlock()
						op, blob, err := randomOp(ctx, c, rng, name, fmt.Sprintf("w%d-%d", w, i), blobToRestore)
						mu.Lock()
						ops[op]++
						mu.Unlock()
						if err != nil {
							t.Errorf("%s %s: %v", op, name, err)
							continue
						}
						if blob != "" {
							mu.Lock()
							blobs = append(blobs, blob)
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			t.Logf("operations: %v; %d backups handed out", ops, len(blobs))
			if len(blobs) == 0 {
				t.Fatal("no backup succeeded: the mix is wrong")
			}
			// Restoring is an RSA decryption, slow under the race detector: check a sample,
			// always with the last backup handed out.
			rand.New(rand.NewPCG(7, 7)).Shuffle(len(blobs)-1, func(i, j int) { blobs[i], blobs[j] = blobs[j], blobs[i] })
			verifyRestores(t, c, blobs[max(0, len(blobs)-8):])
		})
	}
}

// randomOp runs one random operation and returns an error if its answer breaks an invariant.
// A successful backup's blob is returned.
func randomOp(ctx context.Context, c *loadClient, rng *rand.Rand, name, tag, blobToRestore string) (string, string, error) {
	type allowed map[string]bool // "status code" pairs a lost race may answer
	check := func(op string, a answer, err error, ok allowed) error {
		if err != nil {
			return err
		}
		if a.status == 200 || ok[strconv.Itoa(a.status)+" "+a.code] {
			return nil
		}
		return fmt.Errorf("%s: %d %s", op, a.status, a.body)
	}
	notFound := allowed{"404 CSMS.0106": true}
	switch n := rng.IntN(100); {
	case n < 15:
		a, err := c.do(ctx, "POST", base, `{"name":"`+name+`","secret_string":"`+tag+`"}`)
		return "create", "", check("create", a, err, allowed{"400 CSMS.0003": true})
	case n < 40:
		a, err := c.do(ctx, "POST", base+"/"+name+"/versions", `{"secret_string":"`+tag+`"}`)
		return "add version", "", check("add version", a, err, allowed{"404 CSMS.0106": true, "400 CSMS.0003": true})
	case n < 55:
		a, err := c.do(ctx, "POST", base+"/"+name+"/backup", "")
		if err := check("backup", a, err, notFound); err != nil || a.status != 200 {
			return "backup", "", err
		}
		var out struct {
			Blob string `json:"secret_blob"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil || out.Blob == "" {
			return "backup", "", fmt.Errorf("no blob: %s", a.body)
		}
		return "backup", out.Blob, nil
	case n < 65:
		a, err := c.do(ctx, "DELETE", base+"/"+name, "")
		return "delete", "", check("delete", a, err, notFound)
	case n < 80:
		if blobToRestore == "" {
			return "restore", "", nil
		}
		a, err := c.do(ctx, "POST", base+"/restore", `{"secret_blob":"`+blobToRestore+`"}`)
		return "restore", "", check("restore", a, err, allowed{"400 CSMS.0003": true})
	case n < 90:
		a, err := c.do(ctx, "GET", base+"/"+name+"/versions?limit=50", "")
		if err := check("list versions", a, err, notFound); err != nil || a.status != 200 {
			return "list versions", "", err
		}
		var out struct {
			Versions []versionMeta `json:"version_metadatas"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil {
			return "list versions", "", err
		}
		for i, v := range out.Versions {
			if v.ID != "v"+strconv.Itoa(i+1) {
				return "list versions", "", fmt.Errorf("versions not whole: %+v", out.Versions)
			}
		}
		return "list versions", "", stagesError(out.Versions)
	default:
		a, err := c.do(ctx, "GET", base+"/"+name+"/versions/latest", "")
		return "show latest", "", check("show latest", a, err, notFound)
	}
}

// verifyRestores restores every blob in turn (deleting the name first) and compares the result
// with what the blob holds: every version, with its stages and value.
func verifyRestores(t *testing.T, c *loadClient, blobs []string) {
	t.Helper()
	key, err := blob.NewKey(testKey())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for i, b := range blobs {
		plain, err := key.Open(b)
		if err != nil {
			t.Fatalf("blob %d does not open: %v", i, err)
		}
		var want sealedBackup
		if err := json.Unmarshal(plain, &want); err != nil {
			t.Fatal(err)
		}
		name := want.Secret.Name
		if a, err := c.do(ctx, "DELETE", base+"/"+name, ""); err != nil || (a.status != 200 && a.status != 404) {
			t.Fatalf("delete %s: %v %d %s", name, err, a.status, a.body)
		}
		a, err := c.do(ctx, "POST", base+"/restore", `{"secret_blob":"`+b+`"}`)
		if err != nil || a.status != 200 {
			t.Fatalf("blob %d (of %s, %d versions) does not restore: %v %d %s", i, name, len(want.Secret.Versions), err, a.status, a.body)
		}
		got := listVersions(t, c, name)
		if len(got) != len(want.Secret.Versions) {
			t.Fatalf("blob %d restored %d of %d versions of %s", i, len(got), len(want.Secret.Versions), name)
		}
		for j, v := range want.Secret.Versions {
			if got[j].ID != v.ID || !slices.Equal(got[j].Stages, v.Stages) {
				t.Fatalf("blob %d, %s: version %+v restored as %+v", i, name, v, got[j])
			}
			a, err := c.do(ctx, "GET", base+"/"+name+"/versions/"+v.ID, "")
			if err != nil || a.status != 200 {
				t.Fatalf("read restored %s %s: %v %d", name, v.ID, err, a.status)
			}
			var sv struct {
				Version struct {
					String *string `json:"secret_string"`
					Binary *string `json:"secret_binary"`
				} `json:"version"`
			}
			_ = json.Unmarshal(a.body, &sv)
			if !equalPtr(sv.Version.String, v.Value.String) || !equalPtr(sv.Version.Binary, v.Value.Binary) {
				t.Fatalf("blob %d, %s %s: restored value differs from the backup's", i, name, v.ID)
			}
		}
		checkStages(t, name, got)
	}
}

func equalPtr(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}
