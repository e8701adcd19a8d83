# Two commands do all set-up on a fresh machine: `make up` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: up test lint typecheck unit integration bench seed status clean install

$(UV):
	@echo "==> bootstrapping uv $(UV_VERSION) into $(TOOLS)/"
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(UV) pyproject.toml uv.lock
	@echo "==> installing the locked dependencies into $(VENV)/ (uv sync)"
	@$(UV) sync --frozen --extra dev --quiet
	@touch $(STAMP)

install: $(STAMP)

up: $(STAMP)
	@$(VENV)/bin/wenming up

seed: $(STAMP)
	@$(VENV)/bin/wenming seed

status: $(STAMP)
	@$(VENV)/bin/wenming status

lint: $(STAMP)
	@echo "==> ruff"
	@$(VENV)/bin/ruff check services deploy tests benchmarks
	@$(VENV)/bin/ruff format --check services deploy tests benchmarks

typecheck: $(STAMP)
	@echo "==> mypy --strict services/"
	@$(VENV)/bin/mypy

test: lint typecheck
	@echo "==> pytest"
	@$(VENV)/bin/pytest -q

bench: $(STAMP)
	@$(VENV)/bin/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
