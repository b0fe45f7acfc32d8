package linearizability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// NotDeliveredHeader is a header that says the call reached no server: a front that could not
// connect to the server behind it answers with it. Such a call took no effect and is left out
// of the history, where a call whose outcome is unknown weighs on the checker.
const NotDeliveredHeader = "X-Call-Not-Delivered"

// Client calls the API for a project with a token, and keeps the blobs backups returned.
type Client struct {
	HTTP    *http.Client
	Project string
	Token   string

	mu    sync.Mutex
	blobs []blob // numbered from 1
}

type blob struct{ name, value string }

// blobsOf returns the numbers of the backups made of name.
func (c *Client) blobsOf(name string) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for i, b := range c.blobs {
		if b.name == name {
			out = append(out, i+1)
		}
	}
	return out
}

func (c *Client) keepBlob(name, value string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blobs = append(c.blobs, blob{name, value})
	return len(c.blobs)
}

func (c *Client) blob(n int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blobs[n-1].value
}

// Do makes the call in at the endpoint base and returns its outcome: unknown (Status 0) when
// no answer came or the answer was a 5xx.
func (c *Client) Do(ctx context.Context, base string, in Input) Output {
	method, path, body := c.request(in)
	req, err := http.NewRequestWithContext(ctx, method, base+"/v1/"+c.Project+"/secrets"+path, bytes.NewReader(body))
	if err != nil {
		return Output{Note: err.Error()}
	}
	req.Header.Set("X-Auth-Token", c.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.HTTP.Do(req)
	if err != nil {
		return Output{Note: shortError(err)}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return Output{Note: "reading the answer: " + shortError(err)}
	}
	var answer struct {
		ErrorCode string `json:"error_code"`
		Secret    *struct {
			State       string `json:"state"`
			Description string `json:"description"`
		} `json:"secret"`
		VersionMetadata *versionMetadata `json:"version_metadata"`
		Version         *struct {
			VersionMetadata versionMetadata `json:"version_metadata"`
			SecretString    string          `json:"secret_string"`
		} `json:"version"`
		Stage *struct {
			VersionID string `json:"version_id"`
		} `json:"stage"`
		SecretBlob string `json:"secret_blob"`
	}
	// An answer that does not decode leaves the fields empty, and the model refuses it.
	_ = json.Unmarshal(data, &answer)
	if res.StatusCode >= 500 {
		return Output{Note: fmt.Sprintf("%d %s", res.StatusCode, answer.ErrorCode), NotDelivered: res.Header.Get(NotDeliveredHeader) != ""}
	}
	out := Output{Status: res.StatusCode, Code: answer.ErrorCode}
	if res.StatusCode != http.StatusOK {
		return out
	}
	switch {
	case answer.Secret != nil:
		out.State, out.Value = answer.Secret.State, answer.Secret.Description
	case answer.VersionMetadata != nil:
		out.Version, out.Stages = answer.VersionMetadata.ID, answer.VersionMetadata.stages()
	case answer.Version != nil:
		out.Version, out.Stages = answer.Version.VersionMetadata.ID, answer.Version.VersionMetadata.stages()
		out.Value = answer.Version.SecretString
	case answer.Stage != nil:
		out.Version = answer.Stage.VersionID
	case answer.SecretBlob != "":
		out.Blob = c.keepBlob(in.Name, answer.SecretBlob)
	}
	return out
}

type versionMetadata struct {
	ID     string   `json:"id"`
	Stages []string `json:"version_stages"`
}

func (v versionMetadata) stages() string {
	s := slices.Clone(v.Stages)
	slices.Sort(s)
	return strings.Join(s, ",")
}

// request is the method, path under /secrets and body of a call.
func (c *Client) request(in Input) (method, path string, body []byte) {
	name := "/" + url.PathEscape(in.Name)
	switch in.Kind {
	case Create:
		return "POST", "", jsonBody(map[string]any{"name": in.Name, "secret_string": in.Value})
	case AddVersion:
		return "POST", name + "/versions", jsonBody(map[string]any{"secret_string": in.Value})
	case ShowVersion:
		return "GET", name + "/versions/" + url.PathEscape(in.Version), nil
	case ShowSecret:
		return "GET", name, nil
	case MoveStage:
		return "PUT", name + "/stages/" + url.PathEscape(in.Stage), jsonBody(map[string]any{"version_id": in.Version})
	case Describe:
		return "PUT", name, jsonBody(map[string]any{"description": in.Value})
	case Delete:
		return "DELETE", name, nil
	case ScheduleDeletion:
		return "POST", name + "/scheduled-deleted-tasks/create", jsonBody(map[string]any{"recovery_window_in_days": 7})
	case CancelDeletion:
		return "POST", name + "/scheduled-deleted-tasks/cancel", nil
	case Backup:
		return "POST", name + "/backup", nil
	case Restore:
		return "POST", "/restore", jsonBody(map[string]any{"secret_blob": c.blob(in.Blob)})
	}
	panic(fmt.Sprintf("linearizability: no request for operation %d", in.Kind))
}

func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// shortError is err without the URL the HTTP client puts in front.
func shortError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
