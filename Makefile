# csmskit — contract, offline mock and conformance suite for the Huawei Cloud CSMS secrets API.

GO      ?= go
OAPI    := $(GO) tool oapi-codegen
GEN_OUT ?= generated

.PHONY: all generate check-generated build lint fmt-check vet staticcheck test

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

## test: lint, check-generated, and every test with the race detector
test: lint check-generated
	$(GO) test -race -count=1 ./...
