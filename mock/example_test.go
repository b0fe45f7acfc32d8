package mock_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/csmskit/csmskit/mock"
)

// A Go test can run the mock in-process and call it like the real service.
func Example() {
	srv, err := mock.New(mock.DefaultConfig())
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()

	url := ts.URL + "/v1/" + mock.DemoProjectID + "/secrets/" + mock.DemoSecretName + "/backup"
	req, _ := http.NewRequest(http.MethodPost, url, nil)
	req.Header.Set("X-Auth-Token", mock.DemoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var body struct {
		SecretBlob string `json:"secret_blob"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		panic(err)
	}
	fmt.Println(res.StatusCode, strings.HasPrefix(body.SecretBlob, ")CloudSecretManagementBackupV1.com"))
	// Output: 200 true
}
