# The two commands of the README: `make build` and `make test`.
# Both create the virtual environment on first use from pyproject.toml's pinned versions.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Tools whose pins conflict with the library's (cffconvert needs jsonschema 3): their own venv.
TOOLS       := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed

.PHONY: build test lint serve bench clean

# The library declares version ranges; the build, the tests and releases use the exact versions
# of requirements.lock (the Parquet bytes depend on pyarrow's).
$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# The loader at the lowest versions pyproject.toml declares (tests/test_lowest_versions.py).
LOWEST       := .venv-lowest
LOWEST_STAMP := $(LOWEST)/.installed
$(LOWEST_STAMP): pyproject.toml tests/lowest-requirements.txt
	python3 -m venv $(LOWEST)
	$(LOWEST)/bin/pip install --quiet -c tests/lowest-requirements.txt -e .
	touch $(LOWEST_STAMP)

# The build checks its tables once, writes them and proves the files read back to them.
build: $(STAMP)  ## build the package from sources/ and curated/, validate it, publish data/
	$(BIN)/hanoi-coop build

lint: $(STAMP)  ## ruff on everything, mypy on the library
	$(BIN)/ruff check . scripts/bench
	$(BIN)/mypy

# The portal's browser test drives a Chromium found on the machine (HANOI_COOP_BROWSER, or
# chromium on PATH) and is skipped, saying how to enable it, when there is none: `make test`
# changes nothing outside the repository. `.ci/run` installs Debian's chromium for CI.

$(TOOLS_STAMP): tests/tools-requirements.txt
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet -r tests/tools-requirements.txt
	touch $(TOOLS_STAMP)

test: $(STAMP) $(TOOLS_STAMP) $(LOWEST_STAMP) lint  ## lint and run the test suite
	$(BIN)/pytest

serve: $(STAMP)  ## the data portal on http://127.0.0.1:8001
	$(BIN)/hanoi-coop serve

bench: $(STAMP)  ## benchmarks at 10^3..10^6 rows, the portal, start-up -> benchmarks/results.md (about 15 minutes)
	$(BIN)/python scripts/bench

clean:
	rm -rf $(VENV) $(TOOLS) $(LOWEST) .pytest_cache .ruff_cache
