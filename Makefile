# csmskit — contract, offline mock and conformance suite for the Huawei Cloud CSMS secrets API.

GO      ?= go
OAPI    := $(GO) tool oapi-codegen
GEN_OUT ?= generated

.PHONY: all generate check-generated build lint fmt-check vet staticcheck test test-go \
	test-interop test-python python-venv test-java contract-gate contract-gate-selftest

all: build

## generate: rewrite generated/ from the specs in openapi/
generate:
	@mkdir -p $(GEN_OUT)/csmsapi $(GEN_OUT)/iamapi
	$(OAPI) -config generated/csmsapi/config.yaml -o $(GEN_OUT)/csmsapi/csms.gen.go openapi/csms.yaml
	$(OAPI) -config generated/iamapi/config.yaml -o $(GEN_OUT)/iamapi/iam.gen.go openapi/iam.yaml

## check-generated: fail when generating afresh would change generated/
check-generated:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(MAKE) -s --no-print-directory generate GEN_OUT=$$tmp >/dev/null && \
	for f in csmsapi/csms.gen.go iamapi/iam.gen.go; do \
		if ! cmp -s "$$tmp/$$f" "generated/$$f"; then \
			echo "generated/$$f differs from what the spec generates; run 'make generate'" >&2; \
			diff -u "generated/$$f" "$$tmp/$$f" | head -40 >&2; exit 1; \
		fi; \
	done && echo "generated/ is up to date"

## build: compile every package
build:
	$(GO) build ./...

## lint: gofmt, go vet and staticcheck
lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:" >&2; echo "$$out" >&2; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

## test: lint, check-generated, the contract drift gate and its self-test, every test with
## the race detector (the conformance suite's self-test included), and the SDK interop tests
## (Go, Python and Java), and the conformance suite's mutation table
test: lint check-generated contract-gate contract-gate-selftest test-go test-mutations test-interop test-python test-java test-node

test-go:
	$(GO) test -race -count=1 ./...

## test-interop: the official Huawei Cloud Go SDK against the mock (nested module interop/: its
## go.mod pins the current SDK, interop/sdk0156.mod an older one for the same application)
test-interop:
	cd interop && $(GO) vet -modfile=sdk0156.mod ./cmd/csmsapp
	cd interop && $(GO) vet ./... && $(GO) test -race -count=1 ./...

PYTHON ?= python3
VENV   := .tmp/venv

## python-venv: a virtual environment in .tmp/venv with interop/python's pinned packages
python-venv: $(VENV)/.installed

$(VENV)/.installed: interop/python/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r interop/python/requirements.txt
	touch $@

## test-python: the vendor's Python SDK against csmsmock (pytest exits non-zero, 5, when it
## collects no test, so an empty run fails here too). Without Python 3 and venv it says it
## skips, unless CI is set: there (.ci/run installs them) it fails.
test-python:
	@if [ -z "$$CI" ] && ! $(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1; then \
		echo "test-python: SKIPPED: no Python 3 with venv on this machine (apt-get install python3-venv); with CI=true this fails"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory python-venv && $(VENV)/bin/python -m pytest interop/python

## test-node: a Node.js application (no CSMS SDK is published for Node; it calls the API
## itself) against csmsmock over TLS. Without Node it says it skips, unless CI is set.
test-node:
	@if [ -z "$$CI" ] && ! command -v node >/dev/null 2>&1; then \
		echo "test-node: SKIPPED: no Node.js on this machine; with CI=true this fails"; \
		exit 0; \
	fi; \
	node --test interop/node/

MVN     ?= mvn
M2_REPO ?= $(CURDIR)/.tmp/m2

## test-java: the vendor's Java SDK against csmsmock (Maven, JUnit 5; the SDK and plugins are
## cached in .tmp/m2). Surefire fails the run when no test ran (failIfNoTests in the pom).
## Without a JDK and Maven it says it skips, unless CI is set: there (.ci/run installs them)
## it fails.
test-java:
	@if [ -z "$$CI" ] && ! { command -v javac && command -v $(MVN); } >/dev/null 2>&1; then \
		echo "test-java: SKIPPED: no JDK and Maven on this machine (apt-get install default-jdk-headless maven); with CI=true this fails"; \
		exit 0; \
	fi; \
	cd interop/java && $(MVN) -B -ntp -Dmaven.repo.local=$(M2_REPO) test

## contract-gate: fail when openapi/*.yaml breaks clients of openapi/baseline/
contract-gate:
	bash scripts/contract-gate.sh

## contract-gate-selftest: prove the gate catches breaking changes (on temporary copies)
contract-gate-selftest:
	bash scripts/contract-gate-selftest.sh

# --- conformance suite (conformance/, cmd/csmsconform) ---------------------------------------
# Settings come from CSMS_* variables (see conformance/README.md); extra flags go in
# CONFORMANCE_ARGS, e.g. make conformance CONFORMANCE_ARGS="-label-filter='must && blob'".
CONFORMANCE_ARGS ?=

.PHONY: conformance conformance-bin test-mutations

## conformance: check CSMS_ENDPOINT (or the in-process mock) and write reports/
conformance: conformance-bin
	./bin/csmsconform -report-dir reports $(CONFORMANCE_ARGS)

## test-mutations: the suite against the independent server with each single defect; prints the score
test-mutations:
	@$(GO) test -count=1 -run '^TestMutations$$' -v ./conformance/ | grep -E '^(conformance mutation score|--- FAIL|FAIL|ok)'

## conformance-bin: build the standalone suite as bin/csmsconform
conformance-bin:
	$(GO) build -o bin/csmsconform ./cmd/csmsconform
# --- end of conformance suite -----------------------------------------------------------------

# --- benchmarks (BENCHMARKS.md; bench/ is a nested module) -----------------------------------
BENCH_PKGS := ./openapi ./aksk ./mock/blob ./mock ./internal/jsonvalue

.PHONY: bench bench-micro bench-programs bench-smoke wrk

## bench: micro-benchmarks with allocations, then load + start-up, memory, curve, conformance time
bench: bench-micro bench-programs

bench-micro:
	$(GO) test -run '^$$' -bench . -benchmem $(BENCH_PKGS)

## wrk: the light load generator of the floor benchmark, from Debian's packages when missing
wrk:
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

bench-programs: wrk
	cd bench && $(GO) run ./cmd/floorload
	cd bench && $(GO) run ./cmd/load
	cd bench && $(GO) run ./cmd/memory
	cd bench && GOMEMLIMIT=600MiB $(GO) run ./cmd/memory
	cd bench && $(GO) run ./cmd/curve
	cd bench && $(GO) run ./cmd/stores
	cd bench && $(GO) run ./cmd/timeit -n 3 -max 5s -name "make conformance" -- $(MAKE) -s -C .. conformance

## bench-smoke: every benchmark once, each program for a few seconds (CI); fails on errors, not targets
bench-smoke: wrk
	$(GO) test -run '^$$' -bench . -benchtime 1x $(BENCH_PKGS)
	cd bench && $(GO) run ./cmd/floorload -smoke
	cd bench && $(GO) run ./cmd/load -smoke
	cd bench && $(GO) run ./cmd/memory -smoke
	cd bench && $(GO) run ./cmd/curve -smoke
	cd bench && $(GO) run ./cmd/stores -smoke
