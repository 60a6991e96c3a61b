# billable: the front door.
#
#   make run                scan the bundled sample mailboxes (fixtures/sample) into billable.sqlite and reports/,
#                           then print the summary by matter
#   make test               build, run the unit and CLI tests, then the conformance run against Python's email
#   make build              debug build          make release    optimised build
#   make bench              parser benchmark (billable vs GMime 3 vs Python on generated 100 MB mboxes),
#                           then cold/warm scan benchmark (BENCH_BIG=1 adds the 1 GB corpora), then the
#                           LLM analyzer against a local server with 2 s latency
#   make fuzz               bounded libFuzzer run of the parser and readers (FUZZ_SECONDS, default 600)
#   make corpus             conformance run only (BILLABLE_CORPORA, default ../shared/corpora)
#   make golden             re-record the golden files (BILLABLE_RECORD=1)
#   make clean
#
# Every rule installs the Debian packages it needs when they are missing (CI runs as root on a
# fresh image), so a fresh clone needs nothing but `make run` or `make test`.

SHELL := /bin/bash
SWIFT ?= swift
BILLABLE_CORPORA ?= $(abspath ../shared/corpora)
ORACLE ?= $(abspath ../shared/tools/mime_oracle.py)
FUZZ_SECONDS ?= 600
APT_PACKAGES := pkg-config libxml2-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev zlib1g-dev
DEBUG_BIN := .build/debug/billable
SAMPLE := fixtures/sample
RELEASE_BIN := .build/release/billable

.PHONY: deps build release run test corpus golden bench fuzz clean

deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
	  echo "installing $(APT_PACKAGES)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	fi

build: deps
	$(SWIFT) build

# The release binary links the Swift runtime and Foundation statically: it starts with 7 MB
# less resident memory (the parser's 32 MB budget includes the runtime) and runs anywhere.
release: deps
	$(SWIFT) build -c release --product billable --static-swift-stdlib

run: build
	$(DEBUG_BIN) scan --config $(SAMPLE)/billable.toml --db billable.sqlite --out reports \
	  $(SAMPLE)/mbox $(SAMPLE)/maildir $(SAMPLE)/eml
	$(DEBUG_BIN) summary --db billable.sqlite --by matter

VENV := .venv

# The test tools (DuckDB for the dataset check, the MCP client), pinned; the venv is refreshed
# whenever Tests/requirements.txt changes.
$(VENV)/.ready: Tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/requirements.txt
	touch $@

test: deps $(VENV)/.ready
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@$(MAKE) --no-print-directory corpus
	$(VENV)/bin/python Tests/MCP/check_mcp.py $(DEBUG_BIN) .
	python3 Tests/LLM/check_llm.py $(DEBUG_BIN) .
	$(VENV)/bin/python Tests/Dataset/check_dataset.py $(DEBUG_BIN) $(SAMPLE)/billable.toml \
	  $(SAMPLE)/mbox $(SAMPLE)/maildir $(SAMPLE)/eml

corpus: build
	@if [ -d "$(BILLABLE_CORPORA)" ] && [ -f "$(ORACLE)" ]; then \
	  python3 Tests/Conformance/conformance.py $(DEBUG_BIN) "$(BILLABLE_CORPORA)" "$(ORACLE)"; \
	else \
	  echo "conformance: skipped ($(BILLABLE_CORPORA) or $(ORACLE) not present)"; \
	fi

golden: deps
	BILLABLE_RECORD=1 $(SWIFT) test

bench: release
	BILLABLE=$(abspath $(RELEASE_BIN)) bash bench/run.sh
	BILLABLE=$(abspath $(RELEASE_BIN)) bash bench/scan.sh
	BILLABLE=$(abspath $(RELEASE_BIN)) bash bench/llm.sh

fuzz: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) bash Tests/Fuzz/run.sh

clean:
	rm -rf .build .build-fuzz
