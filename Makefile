# CPTS portal. `make run` and `make test` work on a fresh machine (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

# Tests always prove the real database and broker; CI passes its own URLs.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)

.PHONY: install run test test-fast lint format bench bench-sweep bench-funding bench-search bench-http bench-load bench-dashboard bench-import bench-renders check-system compose-check clean backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_communes
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	scripts/serve.sh

check-system:
	scripts/check_system.sh

test: install check-system
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)
	# The typed fuzzer again on SQLite (the `make run` default), on a file in a fresh folder.
	FUZZ_DIR=$$(mktemp -d) && trap 'rm -rf "$$FUZZ_DIR"' EXIT && \
		DATABASE_URL=sqlite:///$$FUZZ_DIR/fuzz.sqlite3 REDIS_URL=$(TEST_REDIS_URL) \
		CPTS_TEST_SQLITE_FUZZ=1 $(BIN)/python -m pytest -m fuzz tests/fuzz $(PYTEST_ARGS)

# The pure rules (marker `rules`) alone, without PostgreSQL or Redis: seconds, not minutes.
test-fast: install
	env -u DATABASE_URL -u REDIS_URL CPTS_TEST_RULES_ONLY=1 $(BIN)/python -m pytest -m rules -q \
		-p no:schemathesis -p no:faker -p no:anyio $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

bench: bench-sweep bench-funding bench-search bench-http bench-dashboard bench-import

bench-sweep: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python benchmarks/implicit_sweep.py

bench-funding: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python benchmarks/funding_entitlements.py

bench-search: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python benchmarks/commune_search.py

# Its own Redis database: the page cache's version must not move with other work.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14

bench-http: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python benchmarks/http_load.py

# 100 people at work for two minutes (locust, installed with the "bench" extra); the Celery
# tasks their writes enqueue go to a Redis database of its own, flushed before and after.
BENCH_LOAD_REDIS_URL ?= redis://127.0.0.1:6379/13

bench-load: install
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[bench]"
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_LOAD_REDIS_URL) $(BIN)/python benchmarks/load/run.py

bench-dashboard: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python benchmarks/dashboard.py

bench-import: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python benchmarks/import_cpts.py

# CPU time and queries per render, per kind of page and role, on the data of bench-load, kept
# between runs (seeded at the first); steadier than throughput on a shared machine.
bench-renders: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python benchmarks/renders.py measure

backup:
	scripts/backup.sh

restore:
	PYTHON=$(BIN)/python scripts/restore.sh $(FILE)

compose-check:
	docker-compose -f docker-compose.yml config -q

clean:
	rm -rf $(VENV) var db.sqlite3
