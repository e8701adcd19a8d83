# Two commands do all set-up on a fresh machine: `make up` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced
NODE_STAMP := node_modules/.installed
BROWSER_STAMP := .tools/.browser

.PHONY: up test lint typecheck unit integration bench seed status clean install

$(UV):
	@echo "==> bootstrapping uv $(UV_VERSION) into $(TOOLS)/"
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(UV) pyproject.toml uv.lock
	@echo "==> installing the locked dependencies into $(VENV)/ (uv sync)"
	@$(UV) sync --frozen --extra dev --quiet
	@touch $(STAMP)

# Front-end libraries (ECharts, Swagger UI) served by the gateway; no CDN at run time.
$(NODE_STAMP): package.json package-lock.json
	@echo "==> installing front-end libraries into node_modules/ (npm ci)"
	@npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

# Browser tests drive Debian's chromium; a CJK font makes the screenshots readable.
$(BROWSER_STAMP): | $(UV)
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "wenquanyi" || \
		(echo "==> installing chromium and a CJK font (apt-get)" && \
		 apt-get update -qq && \
		 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)
	@touch $(BROWSER_STAMP)

install: $(STAMP) $(NODE_STAMP)

up: $(STAMP) $(NODE_STAMP)
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

test: lint typecheck $(NODE_STAMP) $(BROWSER_STAMP)
	@echo "==> pytest"
	@$(VENV)/bin/pytest -q

# Load and latency figures into benchmarks/README.md (~9 min); BENCH_ARGS="--only search" etc.
bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	@$(VENV)/bin/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache
