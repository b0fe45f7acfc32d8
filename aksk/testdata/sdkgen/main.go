// Command sdkgen regenerates ../sdk/*.http: it sends requests through the
// real Huawei Cloud Go SDK (a separate module, so it never enters csmskit's
// go.mod) to a local server that checks each with aksk.Verify and saves it
// byte for byte. It exits non-zero if Verify refuses any of them.
//
//	cd aksk/testdata/sdkgen && go run . ../sdk
package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"time"

	"github.com/csmskit/csmskit/aksk"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	csms "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/csms/v1/model"
)

const (
	ak      = "HPUAXXXXXXXXXXXXXXXX"
	sk      = "sdkgen-secret-key-0123456789abcdefghijkl"
	project = "0123456789abcdef0123456789abcdef"
)

var (
	mu      sync.Mutex
	current string
	outDir  = os.Args[1]
	fails   int
)

func handler(w http.ResponseWriter, r *http.Request) {
	dump, err := httputil.DumpRequest(r, true)
	if err != nil {
		panic(err)
	}
	got, verr := aksk.Verify(r, func(a string) (string, bool) { return sk, a == ak }, time.Now())
	mu.Lock()
	name := current
	mu.Unlock()
	if verr != nil {
		fails++
		fmt.Printf("FAIL %s: %v\n%s\n", name, verr, dump)
	} else {
		fmt.Printf("ok   %s (%s) %s %s auth=%s\n", name, got, r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"))
	}
	if err := os.WriteFile(filepath.Join(outDir, name+".http"), dump, 0o644); err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte("{}"))
}

func set(name string) { mu.Lock(); current = name; mu.Unlock() }

func ptr[T any](v T) *T { return &v }

func main() {
	srv := httptest.NewServer(http.HandlerFunc(handler))
	defer srv.Close()

	cred := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(project).Build()
	client := csms.NewCsmsClient(csms.CsmsClientBuilder().WithEndpoints([]string{srv.URL}).WithCredential(cred).Build())

	set("sdk_list_secrets")
	_, _ = client.ListSecrets(&model.ListSecretsRequest{Limit: ptr("2"), Marker: ptr("a b+c/d~e_é")})

	set("sdk_create_secret")
	_, _ = client.CreateSecret(&model.CreateSecretRequest{Body: &model.CreateSecretRequestBody{
		Name: "db-password", SecretString: ptr("s3cr3t <&> \"quoted\" é"), Description: ptr("created by sdkgen"),
	}})

	set("sdk_show_secret_odd_name")
	_, _ = client.ShowSecret(&model.ShowSecretRequest{SecretName: "odd name+%2F~!*'()é"})

	set("sdk_show_secret_slash_name")
	_, _ = client.ShowSecret(&model.ShowSecretRequest{SecretName: "a/b"})

	set("sdk_delete_secret")
	_, _ = client.DeleteSecret(&model.DeleteSecretRequest{SecretName: "db-password"})

	temp := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(project).WithSecurityToken("token-abc").Build()
	tclient := csms.NewCsmsClient(csms.CsmsClientBuilder().WithEndpoints([]string{srv.URL}).WithCredential(temp).Build())
	set("sdk_temporary_credentials")
	_, _ = tclient.ListSecretVersions(&model.ListSecretVersionsRequest{SecretName: "db-password", Limit: ptr(int32(10))})

	// Lower level: the SDK's signer on hand-built requests, sent as the SDK's
	// ConvertRequest builds them.
	raw := func(name string, b *request.HttpRequestBuilder) {
		set(name)
		req := b.WithEndpoint(srv.URL).Build()
		headers, err := signer.Sign(req, ak, sk)
		if err != nil {
			panic(err)
		}
		for k, v := range headers {
			req.AddHeaderParam(k, v)
		}
		hreq, err := req.ConvertRequest()
		if err != nil {
			panic(err)
		}
		resp, err := http.DefaultClient.Do(hreq)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
	}
	raw("signer_multi_query", request.NewHttpRequestBuilder().WithMethod("GET").WithPath("/v1/x/items").
		AddQueryParam("multi", reflect.ValueOf([]string{"z", "a b", "a_", "a}", ""})).
		AddQueryParam("test", reflect.ValueOf("一 (&=?!#%.*)")).
		AddQueryParam("empty", reflect.ValueOf("")).
		AddQueryParam("path", reflect.ValueOf("/tmp/123")).
		AddHeaderParam("X-Custom", "  padded value  ").
		AddHeaderParam("Content-Type", "application/json"))
	raw("signer_unsigned_payload", request.NewHttpRequestBuilder().WithMethod("PUT").WithPath("/v1/x/blob").
		WithBody("body", "raw text body that is not signed").
		AddHeaderParam("Content-Type", "text/plain"))
	raw("signer_trailing_slash", request.NewHttpRequestBuilder().WithMethod("POST").WithPath("/v1/x/items/").
		WithBody("body", map[string]any{"k": "v<>&"}).
		AddHeaderParam("Content-Type", "application/json;charset=UTF-8"))
	raw("signer_case_duplicate_header", request.NewHttpRequestBuilder().WithMethod("GET").WithPath("/v1/x").
		AddHeaderParam("X-Dup", "one").AddHeaderParam("x-dup", "two"))

	if fails > 0 {
		fmt.Println(fails, "failures")
		os.Exit(1)
	}
}
