# Sapat Workbench. `make` lists the targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PARAMS ?= parameters/sabat6-demo.yaml

.DEFAULT_GOAL := help
.PHONY: help env demo trend test lab lint bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

env: $(VENV)/.installed ## create .venv with the pinned dependencies (pip install -e .)

demo: env ## run the demo cycle on the synthetic nation: outputs/sabat6-demo/index.html
	$(PY) -m workbench run $(PARAMS)

trend: demo ## run the trend demo cycle three years later, linked to the demo's scale
	$(PY) -m workbench run parameters/sabat6-demo-2028.yaml

test: env ## run the test suite (what CI runs)
	$(PY) -m pytest

lab: env ## open JupyterLab with the kernel and the demo catalog ready
	$(PY) -m workbench run $(PARAMS)
	$(VENV)/bin/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root)

LINTED := workbench notebooks tests benchmarks

lint: env ## ruff check and ruff format --check over the package, notebooks, tests, benchmarks
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)

bench: env ## run the benchmarks (they print figures; see benchmarks/README.md)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script; done

clean: ## remove outputs/ (generated) and .venv
	rm -rf outputs $(VENV)
