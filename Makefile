# Two commands for a fresh clone:  `make run`  and  `make test`.
PYTHON ?= python3
JOBS   ?= 2
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

## Set up (venv, install, migrate, first accounts, demo years) and serve on :5000; the demo
## signs administrators in without a second factor (production requires one).
run: $(STAMP)
	$(BIN)/backoffice setup
	BACKOFFICE_REQUIRE_2FA_FOR_ADMINS=false $(BIN)/backoffice run --host 127.0.0.1 --port 5000

## Set up and run every test (SQLite always; PostgreSQL too when TEST_DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(JOBS) $(PYTEST_ARGS)

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
