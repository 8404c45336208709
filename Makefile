# supervise: `make demo` (install into .venv + scripted demo on SQLite), `make test` (whole suite).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXTRAS ?= pg,pdf,test,dev
DEBIAN_PACKAGES := fonts-noto-cjk poppler-utils libharfbuzz-subset0 chromium

.PHONY: demo test fuzz install system-deps lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python system-deps
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'

# PDF notices need CJK fonts, pdftotext and HarfBuzz's subsetter (8 s a page without it);
# the report tests open the HTML reports in a real headless Chromium.
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "PDF notices need these Debian packages; run: sudo apt-get install$$missing" >&2; \
	fi

demo: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

# One worker per core (tests that wait on subprocesses and mail overlap); the ten slowest
# tests are listed so that a slow one shows in every run.
test: install
	$(BIN)/pytest -q -n auto --durations=10

# Many more hostile examples per command than `make test` runs (8), and a longer crash test;
# the figures go to fuzz-report.json (the README quotes them).
FUZZ_EXAMPLES ?= 300
CRASH_ROUNDS ?= 60
fuzz: install
	SUPERVISE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SUPERVISE_FUZZ_REPORT=fuzz-report.json \
	  $(BIN)/pytest -q -p no:randomly tests/fuzz
	SUPERVISE_CRASH_ROUNDS=$(CRASH_ROUNDS) $(BIN)/pytest -q -s tests/crash/test_crash.py

lint: install
	$(BIN)/ruff check supervise tests bench scripts
	$(BIN)/mypy

typecheck: lint

# The benchmarks compare supervise with SpiffWorkflow and Django (the `bench` extra).
bench: EXTRAS := $(EXTRAS),bench
bench: install
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) build dist *.egg-info .demo
