# ghlmock: the whole set-up on a fresh machine is `make run` and `make test`.
GO ?= go

.PHONY: all build run test lint bench contract

all: lint test

## build: compile the ghlmock binary into bin/
build:
	$(GO) build -o bin/ghlmock ./cmd/ghlmock

## run: start the mock on its embedded defaults (127.0.0.1:8080, seed 1)
run:
	$(GO) run ./cmd/ghlmock serve

## test: every test, with the race detector
test:
	$(GO) test -race ./...

## lint: gofmt and go vet
lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

## bench: Go benchmarks of the hot paths and a load run against a bare net/http baseline
bench:
	@echo "make bench: not yet (the performance issue adds it)"

## contract: run the contract scenarios (against GHL_BASE_URL with GHL_TOKEN, else an in-process mock)
contract:
	$(GO) run ./cmd/ghlmock contract $(CONTRACT_FLAGS)
