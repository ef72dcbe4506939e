# The two commands of the README: `make build` and `make test`.
# Both create the virtual environment on first use from pyproject.toml's pinned versions.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test lint serve bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)  ## build the package from sources/ and curated/, validate it, publish data/
	$(BIN)/hanoi-coop build
	$(BIN)/frictionless validate datapackage.json > /dev/null && echo "frictionless validate: ok"

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

test: $(STAMP) lint  ## lint and run the test suite
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
