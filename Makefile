# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-postgres test-redis lint fixtures bench clean browser-assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(MANAGE) migrate --noinput
	$(MANAGE) loaddata demo
	$(MANAGE) createinitialrevisions newsroom.PressRelease --comment "Loaded with the demo data."
	$(MANAGE) create_demo_accounts
	@echo "Serving on http://$(HOST):$(PORT)/ (staff: http://$(HOST):$(PORT)/admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

# The background worker: renditions, workflow e-mail and page warm-ups queued in the
# database (DJANGO_TASKS_BACKEND=database, production's default; the web processes must use
# it too). Set DJANGO_SETTINGS_MODULE as for the web processes; run as many as needed.
.PHONY: worker
worker: $(VENV)/.installed-runtime
	DJANGO_TASKS_BACKEND=database $(MANAGE) db_worker --no-reload

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

# The same suite against PostgreSQL (DATABASE_URL must point at it).
test-postgres: $(VENV)/.installed-dev
	@test -n "$(DATABASE_URL)" || (echo "Set DATABASE_URL to a PostgreSQL database." && exit 2)
	$(BIN)/pytest

# The same suite with the shared Redis cache (REDIS_URL must point at it).
test-redis: $(VENV)/.installed-dev
	@test -n "$(REDIS_URL)" || (echo "Set REDIS_URL to a Redis database, e.g. redis://127.0.0.1:6379/4." && exit 2)
	$(BIN)/pytest

# axe-core, which the browser tests inject into pages to check accessibility. It lives in
# var/ (not committed); the browser tests skip the checks without it, except under CI.
AXE_CORE_VERSION := 4.14.1
AXE := var/npm/node_modules/axe-core/axe.min.js
browser-assets: $(AXE)
$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix var/npm axe-core@$(AXE_CORE_VERSION)

# Rebuild fixtures/demo.json on a throw-away database: the curated reference data
# in newsroom/demo.py, then fixtures/documents/ through the importer.
fixtures: $(VENV)/.installed-dev
	$(eval FIXTURES_TMP := $(shell mktemp -d))
	DATABASE_URL=sqlite:///$(FIXTURES_TMP)/fixtures.sqlite3 $(MANAGE) migrate --noinput -v0
	DATABASE_URL=sqlite:///$(FIXTURES_TMP)/fixtures.sqlite3 $(MANAGE) build_demo_fixture fixtures/demo.json
	rm -rf $(FIXTURES_TMP)

# Import 10,000 generated documents; prints documents/second and peak memory.
BENCH_DOCUMENTS ?= 10000
bench: $(VENV)/.installed-runtime
	$(BIN)/python bench/import_bench.py --documents $(BENCH_DOCUMENTS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# The public site under load (bench/web_bench.py): SIZE synthetic releases on DB (sqlite
# or postgres, the local server), DURATION seconds of wrk a page; built pages, cached
# pages, and cached pages while two editors save. Results go to var/bench/.
SIZE ?= 1000
DB ?= sqlite
DURATION ?= 5
.PHONY: bench-web bench-data
bench-web: $(VENV)/.installed-runtime
	$(BIN)/python bench/web_bench.py --size $(SIZE) --db $(DB) --duration $(DURATION)

# SIZE synthetic public releases in the database DATABASE_URL names (load the demo first).
bench-data: $(VENV)/.installed-runtime
	$(MANAGE) generate_releases --count $(SIZE)
