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
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:" >&2; echo "$$out" >&2; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

## test: lint, check-generated, the contract drift gate and its self-test, every test with
## the race detector (the conformance suite's self-test included), and the SDK interop tests
## (Go, Python and Java), the conformance suite's mutation table, and the image with its
## Testcontainers modules (Go, Python, Java)
test: lint check-generated contract-gate contract-gate-selftest test-go test-mutations test-interop test-python test-java test-node test-containers

## test-go: every package under the race detector; the mutation table (a child run of the suite
## per defect of the independent server) runs once, in test-mutations, without it
test-go:
	$(GO) test -race -count=1 -skip '^TestMutations$$' ./...

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

## test-node: Node.js applications against csmsmock: one calls the API itself over TLS (no CSMS
## SDK is published for Node), one signs with the vendor's Node core (@huaweicloud/huaweicloud-sdk-core,
## pinned in interop/node/package-lock.json, installed by npm ci) through csmsmock proxy.
## Without Node it says it skips, unless CI is set.
test-node:
	@if [ -z "$$CI" ] && ! command -v node >/dev/null 2>&1; then \
		echo "test-node: SKIPPED: no Node.js on this machine; with CI=true this fails"; \
		exit 0; \
	fi; \
	cd interop/node && npm ci --no-audit --no-fund --loglevel=error && node --test

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
	@out=$$($(GO) test -count=1 -run '^TestMutations$$' -v ./conformance/ 2>&1); status=$$?; \
	if [ $$status -ne 0 ]; then printf '%s\n' "$$out" | tail -n 200; fi; \
	printf '%s\n' "$$out" | grep -E '^(conformance mutation score|--- FAIL|FAIL|ok)'; exit $$status

## conformance-bin: build the standalone suite as bin/csmsconform
conformance-bin:
	$(GO) build -o bin/csmsconform ./cmd/csmsconform
# --- end of conformance suite -----------------------------------------------------------------

# --- benchmarks (BENCHMARKS.md; bench/ is a nested module) -----------------------------------
BENCH_PKGS := ./openapi ./aksk ./mock/blob ./mock ./internal/jsonvalue

.PHONY: bench bench-micro bench-programs bench-smoke wrk

## bench: micro-benchmarks with allocations, then floor, operations, flat lists, load + start-up, memory, curve, scale, stores, conformance time
bench: bench-micro bench-programs

bench-micro:
	$(GO) test -run '^$$' -bench . -benchmem $(BENCH_PKGS)

## wrk: the light load generator of the floor benchmark, from Debian's packages when missing
wrk:
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

bench-programs: wrk
	cd bench && $(GO) run ./cmd/floorload
	cd bench && $(GO) run ./cmd/ops
	cd bench && $(GO) run ./cmd/flat
	cd bench && $(GO) run ./cmd/load
	cd bench && $(GO) run ./cmd/memory
	cd bench && GOMEMLIMIT=600MiB $(GO) run ./cmd/memory
	cd bench && $(GO) run ./cmd/curve
	cd bench && $(GO) run ./cmd/scale
	cd bench && $(GO) run ./cmd/stores
	cd bench && $(GO) run ./cmd/timeit -n 3 -max 5s -name "make conformance" -- $(MAKE) -s -C .. conformance

## bench-smoke: every benchmark once, each program for a few seconds (CI); fails on errors, not targets
bench-smoke: wrk
	$(GO) test -run '^$$' -bench . -benchtime 1x $(BENCH_PKGS)
	cd bench && $(GO) run ./cmd/floorload -smoke
	cd bench && $(GO) run ./cmd/ops -smoke
	cd bench && $(GO) run ./cmd/flat -smoke
	cd bench && $(GO) run ./cmd/load -smoke
	cd bench && $(GO) run ./cmd/memory -smoke
	cd bench && $(GO) run ./cmd/curve -smoke
	cd bench && $(GO) run ./cmd/scale -smoke
	cd bench && $(GO) run ./cmd/stores -smoke

# --- release: binaries, SBOMs and the container image (release/ is a nested module) ----------
# Every file is reproducible: the same commit and Go toolchain give the same bytes
# (make check-dist, make check-image). VERSION stamps the binaries (csmsmock version), the
# file names and the image; set it to override scripts/version.sh, e.g. VERSION=v1.2.3.
VERSION           ?= $(shell scripts/version.sh)
DIST              ?= dist
RELEASE_PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
RELEASE_COMMANDS  := csmsmock csmsconform
IMAGE_REPO        := csmskit/csmsmock
# Docker tags allow letters, digits, '_', '.' and '-': a "+dirty" version is tagged "-dirty".
IMAGE_TAG          = $(subst +,-,$(VERSION))
# The image's times: the commit's, so that rebuilding a commit gives the same image ID.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct)
REVISION          ?= $(shell git rev-parse HEAD)
# Static, with no paths, build ID, VCS state or GOFLAGS of the machine it ran on in the binary
# (the version says which commit and whether it was dirty); set GOOS and GOARCH before it.
RELEASE_BUILD      = CGO_ENABLED=0 GOFLAGS= $(GO) build -trimpath -buildvcs=false \
	-ldflags '-s -w -buildid= -X github.com/csmskit/csmskit/internal/version.version=$(VERSION) \
	-X github.com/csmskit/csmskit/internal/version.commit=$(REVISION)'
# The SBOM generator, release/go.mod's tool. An SBOM records its generator's hash, so it is built
# the same way, not with `go tool`, whose build holds the module cache's path: SBOMs made on
# machines of one OS and architecture then match.
CYCLONEDX         := .tmp/release/$(shell $(GO) env GOVERSION)/cyclonedx-gomod
# The first line of a recipe that names files after VERSION, which is empty outside git.
require-version    = @test -n '$(VERSION)' || { echo "$@: no version outside a git checkout: set VERSION=v1.2.3" >&2; exit 1; }

.PHONY: dist check-dist image image-tar check-image

$(CYCLONEDX): release/go.mod release/go.sum
	$(GO) -C release build -trimpath -ldflags=-buildid= -o $(CURDIR)/$@ github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod

## dist: csmsmock and csmsconform for every release platform in dist/
## (<command>_<version>_<os>_<arch>[.exe]), a CycloneDX SBOM of each (<binary>.cdx.json, read
## from the binary's build information) and SHA256SUMS of them all
dist: $(CYCLONEDX)
	$(require-version)
	@set -e; mkdir -p '$(DIST)'; cd '$(DIST)'; rm -f $(addsuffix _*,$(RELEASE_COMMANDS)) SHA256SUMS
	@set -e; for p in $(RELEASE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; if [ $$os = windows ]; then ext=.exe; fi; \
		for c in $(RELEASE_COMMANDS); do \
			bin='$(DIST)'/$${c}_$(VERSION)_$${os}_$$arch$$ext; \
			GOOS=$$os GOARCH=$$arch $(RELEASE_BUILD) -o "$$bin" ./cmd/$$c; \
			GOOS=$$os GOARCH=$$arch $(CYCLONEDX) bin -json -noserial -notimestamp -version '$(VERSION)' \
				-output "$$bin.cdx.json" "$$bin"; \
		done; \
	done
	@cd '$(DIST)' && LC_ALL=C sha256sum $$(LC_ALL=C ls $(addsuffix _*,$(RELEASE_COMMANDS))) > SHA256SUMS
	@echo "dist: $(VERSION) in $(DIST)/"

## check-dist: build dist twice at once, into two temporary directories, and fail unless every
## file is byte for byte the same, the Linux binaries carry the version and SHA256SUMS verifies
check-dist: $(CYCLONEDX)
	$(require-version)
	@a=$$(mktemp -d) && b=$$(mktemp -d) && trap 'rm -rf "$$a" "$$b"' EXIT && \
	v='$(VERSION)' && \
	{ $(MAKE) -s --no-print-directory dist DIST="$$a" VERSION="$$v" >/dev/null & pa=$$!; } && \
	{ $(MAKE) -s --no-print-directory dist DIST="$$b" VERSION="$$v" >/dev/null & pb=$$!; } && \
	bad=0 && { wait $$pa || bad=1; } && { wait $$pb || bad=1; } && [ $$bad = 0 ] && \
	if [ "$$(ls "$$a")" != "$$(ls "$$b")" ]; then echo "check-dist: the two builds made different files" >&2; bad=1; fi && \
	for f in $$(ls "$$a"); do \
		if ! cmp -s "$$a/$$f" "$$b/$$f"; then echo "check-dist: $$f differs between two builds" >&2; bad=1; fi; \
	done && \
	for f in "$$a"/csmsmock_*_linux_amd64 "$$a"/csmsconform_*_linux_amd64; do \
		if ! grep -qaF -- "$$v" "$$f"; then echo "check-dist: $${f##*/} does not carry its version" >&2; bad=1; fi; \
	done && \
	{ (cd "$$a" && sha256sum --check --quiet SHA256SUMS) || { echo "check-dist: SHA256SUMS does not verify" >&2; bad=1; }; } && \
	[ $$bad = 0 ] && echo "check-dist: $$(ls "$$a" | wc -l) files, each the same in two builds of $$v; SHA256SUMS verifies them"

## image-tar: the csmsmock image for linux/<host arch> as dist/csmsmock_<version>_image_<arch>.tar
## (release/cmd/image: no base image, runs as 65532:65532, health check `csmsmock health`)
image-tar:
	$(require-version)
	@set -e; mkdir -p '$(DIST)'; arch=$$($(GO) env GOARCH); \
	bin='$(abspath $(DIST))'/csmsmock_$(VERSION)_linux_$$arch; \
	GOOS=linux GOARCH=$$arch $(RELEASE_BUILD) -o "$$bin" ./cmd/csmsmock; \
	id=$$(SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)' $(GO) -C release run ./cmd/image -bin "$$bin" \
		-version '$(VERSION)' -revision '$(REVISION)' -tag '$(IMAGE_REPO):$(IMAGE_TAG)' \
		-out '$(abspath $(DIST))'/csmsmock_$(VERSION)_image_$$arch.tar); \
	echo "image: $(DIST)/csmsmock_$(VERSION)_image_$$arch.tar, image ID $$id"

## image: image-tar, then docker load it as csmskit/csmsmock:<version> and :dev. Without a
## Docker daemon it only writes the tarball, unless CI is set: there it fails.
image: image-tar
	@if ! docker info >/dev/null 2>&1; then \
		echo "image: NOT LOADED: no Docker daemon answers; with CI=true this fails"; \
		[ -z "$$CI" ]; exit; \
	fi; \
	set -e; arch=$$($(GO) env GOARCH); \
	docker load -q -i '$(DIST)'/csmsmock_$(VERSION)_image_$$arch.tar; \
	docker tag '$(IMAGE_REPO):$(IMAGE_TAG)' '$(IMAGE_REPO):dev'; \
	echo "image: tagged $(IMAGE_REPO):$(IMAGE_TAG) and $(IMAGE_REPO):dev"

## check-image: image, then build its tarball once more, into a temporary directory, and fail
## unless the two have the same image ID and bytes; then check the loaded image
## (scripts/check-image.sh: at most 25 MiB, not root, a health check, and a container that turns
## healthy and backs up the demo secret). Without a Docker daemon the second part says it skips,
## unless CI is set: there it fails.
check-image: image
	@a=$$(mktemp -d) && trap 'rm -rf "$$a"' EXIT && \
	v='$(VERSION)' && tar=csmsmock_$${v}_image_$$($(GO) env GOARCH).tar && \
	$(MAKE) -s --no-print-directory image-tar DIST="$$a" VERSION="$$v" && \
	image_id() { tar -xOf "$$1" manifest.json | sed -E 's/.*"Config":"([^"]+)".*/\1/'; } && \
	if [ "$$(image_id '$(DIST)'/"$$tar")" != "$$(image_id "$$a/$$tar")" ]; then \
		echo "check-image: two builds of the image have different image IDs" >&2; exit 1; \
	fi && \
	if ! cmp "$$a/$$tar" '$(DIST)'/"$$tar"; then echo "check-image: two builds of $$tar differ" >&2; exit 1; fi && \
	echo "check-image: two builds of the image are the same, image ID $$(image_id "$$a/$$tar")"
	@bash scripts/check-image.sh '$(IMAGE_REPO):$(IMAGE_TAG)' '$(VERSION)'

# --- Testcontainers modules (testcontainers/) ---------------------------------------------------
# Containers are this machine's own test hosts: the modules connect to 127.0.0.1 only (each sets
# these too, before its library reads them), and with no Ryuk image to pull, each test removes
# its containers itself.
TC_ENV    := TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 \
	TESTCONTAINERS_CONNECTION_MODE=docker_host
TC_VENV   := .tmp/venv-testcontainers

.PHONY: test-containers test-containers-go test-containers-python test-containers-java

## test-containers: build the image and check it (check-image), then run the Go, Python and
## Java Testcontainers modules' tests against it. Without a Docker daemon it says it skips,
## unless CI is set: there (.ci/run starts dockerd) it fails.
test-containers:
	@if [ -z "$$CI" ] && ! docker info >/dev/null 2>&1; then \
		echo "test-containers: SKIPPED: no Docker daemon answers (docker info); with CI=true this fails"; \
		exit 0; \
	fi; \
	$(MAKE) --no-print-directory check-image && \
	$(MAKE) --no-print-directory test-containers-go test-containers-python test-containers-java

test-containers-go:
	cd testcontainers/go && $(GO) vet ./... && $(TC_ENV) $(GO) test -count=1 ./...

$(TC_VENV)/.installed: testcontainers/python/requirements-test.txt testcontainers/python/pyproject.toml
	$(PYTHON) -m venv $(TC_VENV)
	$(TC_VENV)/bin/pip install -q --disable-pip-version-check -r testcontainers/python/requirements-test.txt -e testcontainers/python
	touch $@

test-containers-python: $(TC_VENV)/.installed
	$(TC_ENV) $(TC_VENV)/bin/python -m pytest testcontainers/python

test-containers-java:
	cd testcontainers/java && $(TC_ENV) $(MVN) -B -ntp -Dmaven.repo.local=$(M2_REPO) test

# --- linearizability (TESTING.md, "Linearizability of replicas") ------------------------------
LINEARIZABLE_DURATION ?= 5m

.PHONY: test-linearizable

## test-linearizable: the linearizability check of replicas on one PostgreSQL database
## (TestLinearizable*) with LINEARIZABLE_DURATION (5m) of calls under faults instead of make
## test's 10 s; starts scripts/test-postgres.sh's server when CSMS_TEST_POSTGRES_URL is not set.
## A history that is not linearizable is drawn in reports/linearizability/.
test-linearizable:
	@if [ -z "$$CSMS_TEST_POSTGRES_URL" ]; then eval "$$(bash scripts/test-postgres.sh start)"; fi; \
	CSMS_LINEARIZABLE_DURATION=$(LINEARIZABLE_DURATION) $(GO) test -race -count=1 -timeout 60m \
		-run '^TestLinearizable|^TestModel|^TestHistory' -v ./internal/linearizability/ ./cmd/csmsmock/
