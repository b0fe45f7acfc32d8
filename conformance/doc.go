// Package conformance is csmskit's conformance suite for the Huawei Cloud CSMS secrets API:
// every operation of the contract in openapi/csms.yaml, with "Download Secret Backup" (POST
// /v1/{project_id}/secrets/{secret_name}/backup) and its round trip checked in depth.
//
// It is a Ginkgo v2 suite and a Go library. Each check is a spec whose text reads as
// behaviour, labelled with its level (must, should), its area (auth, errors, input, blob,
// roundtrip, schema, quota, …) and its profile (backup, restore, secrets, versions, stages,
// listing, deletion, tags, password, account): a vendor selects the profiles its service claims with a
// label filter. A must-level failure fails the run; a should-level one is reported as a
// finding and fails the run only with Config.Strict. A check whose operation the target
// lacks is "not supported", which fails the run only when Config.Require names its profile.
// Every value a check reads back is compared with what the suite wrote.
//
// The suite reads blobs and error bodies with its own code, written from the vendor's
// documents; it imports none of csmskit's mock (cmd/csmsconform starts it). Every answer it
// receives is also validated, with kin-openapi's own validator, against the contract.
//
// Run it from a go test with Run, from a program with Execute, inside a Ginkgo suite of your
// own with GinkgoTest, or with cmd/csmsconform; list the checks with Checks. See README.md in
// this directory.
package conformance
