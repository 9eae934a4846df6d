# `make report` and `make test` bootstrap .venv with the machine's python3 when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROFILE ?= quick
JOBS ?= 2

.PHONY: report test venv clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

report: $(STAMP)
	$(PY) -m proofs_checks run --profile $(PROFILE) --jobs $(JOBS) --out docs/report

test: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q

clean:
	rm -rf $(VENV) .hypothesis .pytest_cache
