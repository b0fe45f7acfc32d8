// Package soak holds csmskit's long-running tests: a bounded soak of the mock under sustained
// load (flat memory and goroutines, no leaks), the csmsmock binary's own limits against slow
// clients, and the conformance suite against hostile targets. They run only with the soak
// build tag, never in `make test`:
//
//	go test -tags soak -count=1 -timeout 30m ./soak/
//
// SOAK_DURATION (a Go duration, default 2m) sets the length of the load, SOAK_WORKERS (default
// 8) its concurrency and SOAK_DATA=1 puts the mock's store in bbolt. Every server listens on
// 127.0.0.1 and every test stops by itself. See TESTING.md.
package soak
