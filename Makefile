# The Makefile is the contract: every target here is what a newcomer and CI run.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: help setup run test lint bench serve sql report clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	@echo "bootstrapping uv $(UV_VERSION) into .uv/ ..."
	@$(PYTHON) -m venv .uv
	@.uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" 2>&1 | { grep -v "is ignored: it is neither" || true; }

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@echo "installing locked dependencies into .venv/ ..."
	@$(UV) sync --locked --quiet
	@touch $@

setup: $(VENV)/.synced ## create .venv from uv.lock (run by every other target)

run: setup ## run the whole pipeline once on the bundled demo newsroom (offline)
	@$(BIN)/presswatch run --demo

test: setup ## run the test suite (loopback network only)
	@$(BIN)/python -m pytest

lint: setup ## ruff, and mypy on the packages and the benchmarks
	@$(BIN)/ruff check flows transforms warehouse tests benchmarks
	@$(BIN)/mypy
	@$(BIN)/mypy benchmarks  # benchmarks are scripts, not a package; typed so a moved name fails lint, not a bench run

bench: setup ## benchmarks: ratios against baselines measured in the same run
	@for bench in benchmarks/bench_*.py; do echo "== $$bench"; $(BIN)/python $$bench; done

serve: setup ## serve the hourly deployment (local Prefect server unless PREFECT_API_URL is set)
	@$(BIN)/presswatch serve

sql: setup ## open a read-only SQL prompt on the warehouse
	@$(BIN)/presswatch sql

report: setup ## write the HTML report of the warehouse
	@$(BIN)/presswatch report

clean: ## remove the environments and generated data (keeps seeds)
	rm -rf .uv $(VENV) .cache data reports
