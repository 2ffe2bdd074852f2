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

## lint: gofmt, go vet, and go.mod/go.sum tidy (direct dependencies not marked // indirect)
lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@$(GO) mod tidy -diff || { echo "make lint: go.mod or go.sum is not tidy: run go mod tidy and commit the result" >&2; exit 1; }

## bench: Go benchmarks of the hot paths and a load run against a bare net/http baseline
bench:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "make bench: wrk is not installed; installing it from Debian (apt-get install wrk)"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; else sudo=none; fi; \
	  if [ "$$sudo" != none ] && command -v apt-get >/dev/null 2>&1; then \
	    $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  fi; \
	  command -v wrk >/dev/null 2>&1 || { echo "make bench: wrk is required and could not be installed (no root, sudo or apt-get?): install wrk (apt-get install wrk, or build https://github.com/wg/wrk) and put it on PATH" >&2; exit 1; }; }
	@mkdir -p bin .bench
	$(GO) build -o bin/ghlmock ./cmd/ghlmock
	$(GO) build -o bin/barehttp ./cmd/barehttp
	$(GO) build -o bin/ghlbench ./cmd/ghlbench
	@echo "== Go benchmarks (in process, -benchtime $(or $(BENCHTIME),1s))"
	@{ $(GO) test -run '^$$' -bench . -benchmem -benchtime $(or $(BENCHTIME),1s) ./mockserver/... 2>&1; echo $$? >.bench/go-bench.rc; } | tee .bench/go-bench.txt; exit "$$(cat .bench/go-bench.rc)"
	@echo "== Load run: bin/ghlmock and bin/barehttp on loopback, with wrk"
	bin/ghlbench --gobench .bench/go-bench.txt --json .bench/bench.json --markdown .bench/bench.md $(BENCH_FLAGS)
	@echo "make bench: the report is also in .bench/bench.json and .bench/bench.md (for the README)"

## bench-quick: a short make bench (one round of 3 s runs, -benchtime 200ms) to check the harness, not for figures
.PHONY: bench-quick
bench-quick:
	@$(MAKE) --no-print-directory bench BENCHTIME=200ms BENCH_FLAGS="--rounds 1 --duration 3s --duplicate-duration 2s $(BENCH_FLAGS)"

## contract: run the contract scenarios (against GHL_BASE_URL with GHL_TOKEN, else an in-process mock)
contract:
	$(GO) run ./cmd/ghlmock contract $(CONTRACT_FLAGS)

## screenshots: PNGs of every dashboard page, from headless Chromium, into docs/screenshots/ (for the README)
.PHONY: screenshots
screenshots:
	$(GO) test ./mockserver/dashboard/ -run '^TestScreenshots$$' -count=1 -args -screenshots=$(CURDIR)/docs/screenshots
