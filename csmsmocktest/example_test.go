package csmsmocktest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/csmskit/csmskit/csmsmocktest"
)

// In a test, Start(t) does the same and closes the mock when the test ends.
func ExampleNew() {
	srv, err := csmsmocktest.New()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	res, err := srv.Client().Post(srv.URL+"/v1/"+srv.ProjectID+"/secrets/demo-secret/backup", "application/json", nil)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	var backup struct {
		Blob string `json:"secret_blob"`
	}
	_ = json.NewDecoder(res.Body).Decode(&backup)
	fmt.Println(res.StatusCode, strings.HasPrefix(backup.Blob, ")CloudSecretManagementBackupV1.com"))
	// Output: 200 true
}

// A scheduled deletion, a week later, in a millisecond.
func ExampleServer_Clock() {
	srv, err := csmsmocktest.New()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	secret := srv.URL + "/v1/" + srv.ProjectID + "/secrets/demo-secret"
	res, _ := srv.Client().Post(secret+"/scheduled-deleted-tasks/create", "application/json", strings.NewReader(`{"recovery_window_in_days":7}`))
	res.Body.Close()

	srv.Clock().Advance(7 * 24 * time.Hour)

	req, _ := http.NewRequest("GET", secret, nil)
	res, _ = srv.Client().Do(req)
	res.Body.Close()
	fmt.Println(res.StatusCode)
	// Output: 404
}
