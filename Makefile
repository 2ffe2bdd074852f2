# ghlmock: the whole set-up on a fresh machine is `make run` and `make test`.
GO ?= go
# Where make build puts the binary, and the version it reports (ghlmock --version).
BIN ?= bin/ghlmock
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
# The one way the binary is built, by make build, make run, make install and the
# Dockerfile alike: static (CGO_ENABLED=0; the SQLite driver is pure Go), with
# no paths of the build machine in it, and its version stamped in.
GOBUILD = CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)"
# make install copies the binary where go install would put it.
INSTALL_DIR ?= $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)
# make test's packages and extra flags: make test PKG=./mockserver/ TESTFLAGS=-v
PKG ?= ./...
TESTFLAGS ?=
RACE_TEST = $(strip $(GO) test -race $(TESTFLAGS) $(PKG))
PLAIN_TEST = $(strip $(GO) test $(TESTFLAGS) $(PKG))

.PHONY: all build install run test lint bench contract

all: lint test

## build: compile the static ghlmock binary into bin/ghlmock
build:
	$(GOBUILD) -o $(BIN) ./cmd/ghlmock

## install: make build, then copy bin/ghlmock into $GOBIN (or $GOPATH/bin), as go install would
install: build
	@mkdir -p "$(INSTALL_DIR)"
	cp $(BIN) "$(INSTALL_DIR)/ghlmock"
	@echo "make install: installed $(INSTALL_DIR)/ghlmock"
	@case ":$$PATH:" in *":$(INSTALL_DIR):"*) ;; *) echo "make install: $(INSTALL_DIR) is not on your PATH; add it: export PATH=\"$(INSTALL_DIR):\$$PATH\"";; esac

## run: build bin/ghlmock and start it on its embedded defaults (127.0.0.1:8080, seed 1);
## flags through the environment: GHLMOCK_ADDR=127.0.0.1:9090 GHLMOCK_SEED=7 make run
run:
	@echo "make run: compiling $(BIN) (a minute or two the first time, while Go fetches and builds the dependencies; seconds after that)"
	@$(GOBUILD) -o $(BIN) ./cmd/ghlmock
	@exec $(BIN) serve

## test: every test, with the race detector; without a C compiler (which -race needs) without it, saying so,
## except under CI=true, where a missing compiler is a failure
test:
	@if [ "$$($(GO) env CGO_ENABLED)" = 1 ]; then \
	  echo "$(RACE_TEST)"; $(RACE_TEST); \
	elif [ "$$CI" = true ]; then \
	  echo "make test: no C compiler (cgo is off), and CI=true runs the tests with -race, which needs one: install gcc, or set CC, and run again" >&2; exit 1; \
	else \
	  echo "make test: no C compiler found (cgo is off), so the tests run without the race detector (-race); CI runs them with it"; \
	  echo "$(PLAIN_TEST)"; $(PLAIN_TEST); \
	fi

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
contract: build
	$(BIN) contract $(CONTRACT_FLAGS)

## screenshots: PNGs of every dashboard page, from headless Chromium, into docs/screenshots/ (for the README)
.PHONY: screenshots
screenshots:
	$(GO) test ./mockserver/dashboard/ -run '^TestScreenshots$$' -count=1 -args -screenshots=$(CURDIR)/docs/screenshots
