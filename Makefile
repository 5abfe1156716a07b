# CCHC — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo test install serve lint translations bench clean worker

$(STAMP): requirements.txt requirements-dev.txt
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@mkdir -p var/static
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

translations: install
	$(BIN)/python manage.py compile_translations

# links in e-mails, SMS and QR codes point at the port the demo serves on
demo serve: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: install translations
	@mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "Serving CCHC on http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	@echo "Background workers (job runner, notifications and index marks): var/workers.log"
	@$(BIN)/python manage.py db_worker >>var/workers.log 2>&1 & workers=$$!; \
	$(BIN)/python manage.py run_worker >>var/workers.log 2>&1 & workers="$$workers $$!"; \
	trap 'kill $$workers 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py serve --port $(PORT)

serve: install
	$(BIN)/python manage.py serve --port $(PORT)

# the job runner (django-tasks: portal sync, chain anchors, survey live results) and the
# notification/index-mark worker, until Ctrl+C
worker: install
	@$(BIN)/python manage.py db_worker & workers=$$!; \
	trap 'kill $$workers 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py run_worker

# The gates, cheapest first: lint, format, types ([tool.mypy] files), the dependency rules
# ([tool.importlinter]), migrations, translations, then the suite in random order
# (pytest-randomly; replay a failing order with the seed printed at the top of the run:
# `make test PYTEST_ARGS="--randomly-seed=N"`).
test: install translations lint
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/python manage.py check_translations
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The three benchmarks, each on its own database of the local PostgreSQL (BENCH_PG), created
# when missing; figures go to bench/results/*.json (docs/performance.md quotes them).
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench: install
	DATABASE_URL=$(BENCH_PG)/cchc_bench $(BIN)/python bench/bench_lifecycle.py
	DATABASE_URL=$(BENCH_PG)/cchc_indices_bench BENCH_KEEP=1 $(BIN)/python bench/bench_indices.py
	DATABASE_URL=$(BENCH_PG)/cchc_importperf_bench BENCH_DOSSIERS=200000 $(BIN)/python bench/bench_import.py

clean:
	rm -rf $(VENV) var/cchc.sqlite3
