package openapi_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/csmskit/csmskit/generated/csmsapi"
	"github.com/csmskit/csmskit/generated/iamapi"
	"github.com/csmskit/csmskit/internal/limits"
	"github.com/csmskit/csmskit/openapi"
)

func TestEmbeddedSpecsLoad(t *testing.T) {
	c, err := openapi.Load()
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if got := c.CSMS.OpenAPI; got != "3.0.3" {
		t.Errorf("csms.yaml is OpenAPI %q, want 3.0.3", got)
	}
	if got := c.IAM.OpenAPI; got != "3.0.3" {
		t.Errorf("iam.yaml is OpenAPI %q, want 3.0.3", got)
	}
}

// The loader validates examples; a wrong one must make loading fail, or the check is idle.
func TestExampleValidationBites(t *testing.T) {
	tests := []struct {
		name, old, new string
	}{
		{"recovery window below minimum", "recovery_window_in_days: 7", "recovery_window_in_days: 3"},
		{"error code too short", "error_code: CSMS.0109", "error_code: X"},
		{"secret name with a dot", "name: db-password\n            secret_string", "name: db.password\n            secret_string"},
		{"both value fields", "secret_string: \"{\\\"password\\\":\\\"s3cr3t-2\\\"}\"", "secret_string: a\n              secret_binary: b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := string(openapi.CSMSYAML())
			if !strings.Contains(spec, tt.old) {
				t.Fatalf("spec has no %q to break", tt.old)
			}
			broken := strings.Replace(spec, tt.old, tt.new, 1)
			if _, err := openapi.Parse([]byte(broken), openapi.IAMYAML()); err == nil {
				t.Fatalf("a spec with a broken example (%s) loaded without error", tt.name)
			}
		})
	}
}

// sdkOperations are the 45 operations of the vendor's Go SDK (v0.1.207, csms_meta.go): the
// contract holds every one; an operation left out would be answered as the gateway answers an
// unknown API.
var (
	contractOperations = []string{
		"BatchCreateOrDeleteTags", "BatchImportSecrets", "CheckSecrets", "CreateAgency", "CreateGrants",
		"CreateSecret", "CreateSecretEvent", "CreateSecretTag", "CreateSecretVersion", "DeleteGrant",
		"DeleteSecret", "DeleteSecretEvent", "DeleteSecretForSchedule", "DeleteSecretStage",
		"DeleteSecretTag", "DownloadSecretBlob", "GenerateRandomPassword", "ListGrants",
		"ListNotificationRecords", "ListProjectSecretsTags", "ListResourceInstances", "ListSecretEvents",
		"ListSecretTags", "ListSecretTask", "ListSecretVersions", "ListSecrets", "ListUsers",
		"RestoreSecret", "RotateSecret", "ShowAgency", "ShowSecret", "ShowSecretEvent",
		"ShowSecretFunctionTemplates", "ShowSecretStage", "ShowSecretVersion", "ShowSecretsConfig",
		"ShowUserDetail", "UpdateGrant", "UpdateSecret", "UpdateSecretEvent", "UpdateSecretStage",
		"UpdateSecretsConfig", "UpdateUserPassword", "UpdateVersion", "UploadSecretBlob",
	}
	leftOutOperations = []string{}
)

// errorStatuses are the failures every operation documents, with the vendor's error body.
var errorStatuses = []string{"400", "401", "403", "404", "500", "502", "504"}

func TestEveryOperationDocumentsItsStatuses(t *testing.T) {
	c := openapi.MustLoad()
	errSchema := c.CSMS.Components.Schemas["ErrorResponse"]
	var ids []string
	for path, item := range c.CSMS.Paths.Map() {
		for method, op := range item.Operations() {
			ids = append(ids, op.OperationID)
			success := 0
			for status, ref := range op.Responses.Map() {
				resp := ref.Value
				if resp.Headers["X-Request-Id"] == nil {
					t.Errorf("%s %s %s: no X-Request-Id header", method, path, status)
				}
				if status == "200" || status == "204" {
					success++
					continue
				}
				if !slices.Contains(errorStatuses, status) {
					t.Errorf("%s %s documents %s", method, path, status)
				}
				mt := resp.Content.Get("application/json")
				if mt == nil || mt.Schema == nil || mt.Schema.Value != errSchema.Value {
					t.Errorf("%s %s %s: body is not the ErrorResponse schema", method, path, status)
				}
			}
			if success == 0 || len(op.Responses.Map()) != success+len(errorStatuses) {
				t.Errorf("%s %s: %d success statuses, %d in all; want a success and %v", method, path, success, len(op.Responses.Map()), errorStatuses)
			}
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, contractOperations) {
		t.Errorf("csms.yaml holds %v,\nwant %v", ids, contractOperations)
	}
	if all := len(contractOperations) + len(leftOutOperations); all != 45 {
		t.Errorf("%d operations accounted for, the SDK has 45", all)
	}
	for _, id := range leftOutOperations {
		if slices.Contains(contractOperations, id) {
			t.Errorf("%s is both in the contract and left out", id)
		}
	}
}

// The endpoint host is the SDK's and the definitions': kms.{region}, not csms.{region}.
func TestServerIsTheKMSHost(t *testing.T) {
	servers := openapi.MustLoad().CSMS.Servers
	if len(servers) != 1 || servers[0].URL != "https://kms.{region}.myhuaweicloud.com" {
		t.Errorf("servers = %v", servers)
	}
}

func TestErrorSchemaConstraints(t *testing.T) {
	s := openapi.MustLoad().CSMS.Components.Schemas["ErrorResponse"].Value
	if !slices.Equal(s.Required, []string{"error_code", "error_msg"}) {
		t.Errorf("required = %v", s.Required)
	}
	check := func(field string, min, max uint64) {
		p := s.Properties[field].Value
		if p.MinLength != min || p.MaxLength == nil || *p.MaxLength != max {
			t.Errorf("%s length = %d..%v, want %d..%d", field, p.MinLength, p.MaxLength, min, max)
		}
	}
	check("error_code", 8, 36)
	check("error_msg", 2, 512)
}

func TestBackupOperation(t *testing.T) {
	c := openapi.MustLoad()
	item := c.CSMS.Paths.Value("/v1/{project_id}/secrets/{secret_name}/backup")
	if item == nil || item.Post == nil || item.Post.OperationID != "DownloadSecretBlob" {
		t.Fatal("POST /v1/{project_id}/secrets/{secret_name}/backup is not DownloadSecretBlob")
	}
	if item.Post.RequestBody != nil {
		t.Error("the backup operation takes no body")
	}
	ok := item.Post.Responses.Value("200").Value.Content.Get("application/json")
	blob := ok.Schema.Value.Properties["secret_blob"].Value
	if blob.MaxLength == nil || *blob.MaxLength != limits.MaxBlobChars {
		t.Errorf("secret_blob maxLength = %v, want limits.MaxBlobChars (%d)", blob.MaxLength, limits.MaxBlobChars)
	}
	// The vendor's truncated example is kept beside the examples, as it breaks the format the
	// page describes, which the answer's schema holds blobs to (the request's does not).
	ex, _ := ok.Extensions["x-documented-example"].(map[string]any)
	if desc, _ := ex["description"].(string); !strings.Contains(desc, "truncated") {
		t.Error("the seed's example is missing or not marked as truncated")
	}
	if err := ok.Schema.Value.VisitJSON(ex["value"], openapi3.VisitAsResponse()); err == nil {
		t.Error("the answer's schema accepts the documented, truncated example")
	}
	if ok.Examples["complete"] == nil {
		t.Error("no complete example of the answer")
	}
	if blob.Pattern == "" {
		t.Error("the answer's secret_blob has no pattern")
	}
	restore := c.CSMS.Paths.Value("/v1/{project_id}/secrets/restore").Post.RequestBody.Value.Content.Get("application/json")
	sent := restore.Schema.Value.Properties["secret_blob"].Value
	if sent.Pattern != "" || sent.MaxLength == nil || *sent.MaxLength != limits.MaxBlobChars {
		t.Errorf("a restore's secret_blob: pattern %q, maxLength %v; want none and limits.MaxBlobChars", sent.Pattern, sent.MaxLength)
	}
	params := map[string]*openapi3.Parameter{}
	for _, p := range item.Parameters {
		params[p.Value.Name] = p.Value
	}
	if s := params["secret_name"].Schema.Value; s.Pattern != "^[a-zA-Z0-9_-]{1,64}$" {
		t.Errorf("secret_name pattern = %q", s.Pattern)
	}
	if s := params["project_id"].Schema.Value; s.MinLength != 32 || *s.MaxLength != 64 {
		t.Errorf("project_id length = %d..%d, want 32..64", s.MinLength, *s.MaxLength)
	}
	var schemes []string
	for _, req := range c.CSMS.Security {
		for name := range req {
			schemes = append(schemes, name)
		}
	}
	slices.Sort(schemes)
	if !slices.Equal(schemes, []string{"SdkHmacSha256", "XAuthToken"}) {
		t.Errorf("security alternatives = %v", schemes)
	}
	if item.Post.Security != nil {
		t.Error("the backup operation overrides the document's security alternatives")
	}
}

func TestIAMTokenOperation(t *testing.T) {
	c := openapi.MustLoad()
	op := c.IAM.Paths.Value("/v3/auth/tokens").Post
	if op == nil {
		t.Fatal("no POST /v3/auth/tokens")
	}
	created := op.Responses.Value("201")
	if created == nil || created.Value.Headers["X-Subject-Token"] == nil || !created.Value.Headers["X-Subject-Token"].Value.Required {
		t.Error("201 does not carry a required X-Subject-Token header")
	}
	if op.Security == nil || len(*op.Security) != 0 {
		t.Error("token issuance must need no credentials")
	}
}

// The generated packages embed the spec they were generated from; it must be today's spec.
func TestGeneratedSpecMatchesContract(t *testing.T) {
	c := openapi.MustLoad()
	for name, pair := range map[string]struct {
		get  func() (*openapi3.T, error)
		want *openapi3.T
	}{
		"csms": {csmsapi.GetSpec, c.CSMS},
		"iam":  {iamapi.GetSpec, c.IAM},
	} {
		got, err := pair.get()
		if err != nil {
			t.Fatalf("%s: generated spec: %v", name, err)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(pair.want)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: generated/ embeds another spec than openapi/; run make generate", name)
		}
	}
}

// noIAMAction are the operations whose pages require no identity-policy action.
var noIAMAction = []string{
	"GenerateRandomPassword",
	"ShowSecretFunctionTemplates", "CreateAgency", "ShowAgency", "ListUsers", "ShowUserDetail", "UpdateUserPassword",
}

func TestEveryCSMSOperationNamesItsIAMAction(t *testing.T) {
	c := openapi.MustLoad()
	for path, item := range c.CSMS.Paths.Map() {
		for method, op := range item.Operations() {
			action, named := op.Extensions["x-iam-action"].(string)
			// These need no action beyond valid credentials, as their pages say.
			if !strings.HasPrefix(action, "csms:") && !(!named && slices.Contains(noIAMAction, op.OperationID)) {
				t.Errorf("%s %s: x-iam-action = %q", method, path, action)
			}
		}
	}
}
