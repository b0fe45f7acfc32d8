// Package conformance is csmskit's conformance suite for the Huawei Cloud CSMS "Download
// Secret Backup" operation (POST /v1/{project_id}/secrets/{secret_name}/backup) and the
// companion operations a backup round trip needs.
//
// It is a Ginkgo v2 suite and a Go library. Each check is a spec whose text reads as
// behaviour, labelled with its level (must, should) and its area (auth, errors, input, blob,
// roundtrip, schema). A must-level failure fails the run; a should-level one is reported as a
// finding and fails the run only with Config.Strict. Checks that need an operation the target
// lacks are skipped, saying which.
//
// The suite reads blobs and error bodies with its own code, written from the vendor's
// documents; it imports none of csmskit's mock (cmd/csmsconform starts it). Every answer it
// receives is also validated, with kin-openapi's own validator, against the contract in
// openapi/csms.yaml.
//
// Run it from a go test with Run, from a program with Execute, inside a Ginkgo suite of your
// own with GinkgoTest, or with cmd/csmsconform; see README.md in this directory.
package conformance
