# qinqing: build, check and browser-test the single binary.
# `make test` runs on a fresh Debian machine with Go, gcc, node/npm and apt.

TAGS := sqlite_fts5
GO ?= go
GOFMT ?= $(shell $(GO) env GOROOT)/bin/gofmt
BIN := qinqing

# apt-get needs root; sudo drops the environment, hence `env`.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
CHROMIUM := /usr/bin/chromium
PLAYWRIGHT := e2e/node_modules/playwright-core/package.json

.DEFAULT_GOAL := build
MAKEFLAGS += --no-print-directory
.PHONY: build run test vet unit unit-pg pg-deps e2e browser-deps clean bench

build:
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: build
	./$(BIN) serve --demo --addr 127.0.0.1:8080 --db ./qinqing.db

# Sub-makes keep the order even under `make -j`.
# The three suites share nothing (each its own databases and servers), so they run side
# by side once the packages they need are installed (one apt at a time): one after
# another they kept two cores only about half busy.
test:
	$(MAKE) vet
	$(MAKE) build browser-deps pg-deps
	$(MAKE) -j3 -Otarget unit unit-pg e2e

vet:
	@files="$$($(GOFMT) -l .)"; \
	if [ -n "$$files" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$files"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...

unit:
	$(GO) test -race -count=1 -timeout 30m -tags $(TAGS) ./...

# The database and API tests once more on PostgreSQL (and the command's PostgreSQL tests): on the server QINQING_TEST_PG names,
# or on a throwaway cluster that scripts/testpg.sh starts (installing Debian's postgresql
# package if it is missing) and removes afterwards.
PG_PKGS := ./db/... ./handlers
pg-deps:
	scripts/testpg.sh install

unit-pg:
	scripts/with-testpg.sh sh -c '$(GO) test -count=1 -timeout 30m -tags $(TAGS) $(PG_PKGS) && \
		$(GO) test -count=1 -timeout 30m -tags $(TAGS) -run Postgres .'


# The demo city is built once into e2e/.demo, and each browser suite's server starts from a copy.
e2e: build browser-deps
	rm -rf e2e/.demo && mkdir -p e2e/.demo && ./$(BIN) demo --db e2e/.demo/qinqing.db > e2e/.demo/demo.txt
	cd e2e && QINQING_BIN="$(CURDIR)/$(BIN)" QINQING_E2E_DEMO="$(CURDIR)/e2e/.demo/qinqing.db" \
		node --test --test-concurrency=1 --test-reporter=spec

browser-deps: $(PLAYWRIGHT)
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing chromium and fonts-wqy-microhei"; \
		$(APT_GET) update && $(APT_GET) install -y chromium fonts-wqy-microhei; \
	fi
	@if ! fc-list 2>/dev/null | grep -qi 'WenQuanYi Micro Hei'; then \
		echo "installing fonts-wqy-microhei"; \
		$(APT_GET) update && $(APT_GET) install -y fontconfig fonts-wqy-microhei; \
	fi

# Reinstalled when missing or older than the lock file; playwright-core never
# downloads browsers, the tests use Debian's chromium.
$(PLAYWRIGHT): e2e/package-lock.json
	npm ci --prefix e2e --no-audit --no-fund
	@touch $@

clean:
	rm -rf $(BIN) e2e/output e2e/test-results e2e/.demo

# Not part of `make test`: builds a city of 2k appeals and one of BENCH_LARGE (1M) into
# BENCH_DIR (.bench, reused), measures both with cmd/qqload and prints the ratios, then
# runs the db benchmarks.
bench: build
	$(GO) build -o qqload ./cmd/qqload
	BIN=./$(BIN) LOAD=./qqload sh scripts/bench.sh
	$(GO) test -run '^$$' -bench . -benchtime 1x -tags $(TAGS) ./db/...
