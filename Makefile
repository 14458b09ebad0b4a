# Two commands for users: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck pytest bench emulator lock clean

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

## Serve the storefront API on http://$(HOST):$(PORT) (embedded emulator unless CTP_* is set) and,
## in that demo, the demo storefront on http://localhost:3000 (STOREFRONT_URL).
run: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m bootstrap serve

## Run every test, plus lint and type checks.
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

## Serve only the commercetools emulator on http://127.0.0.1:8989.
emulator: $(STAMP)
	$(BIN)/python -m emulator --port 8989

## Measure the service against a bare route, in separate processes (about 4 minutes); rewrites
## docs/performance.md. BENCH_ARGS passes options (see .venv/bin/python -m bench --help).
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

## Re-pin requirements.lock after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --universal -o requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
