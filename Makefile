# PronaFlow developer commands. `make run` and `make test` are the two the README starts with.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# `make run` uses the embedded default (SQLite, in-process tasks, console e-mail) unless these are set.
RUN_ENV := DEBUG=$${DEBUG:-true}

.PHONY: run test install install-dev lint schema worker webhook-worker beat bench screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

## Install, migrate, load demo data and serve on http://localhost:8000
run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 0.0.0.0:8000

## Install and run the whole test suite (PostgreSQL and Redis on localhost; see tests/settings.py)
test: install-dev
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

schema: install
	DEBUG=true $(BIN)/python manage.py spectacular --validate --fail-on-warn --format openapi-json --file openapi.json

worker: install
	$(BIN)/celery -A pronaflow worker --loglevel=info -Q celery,webhooks,email

## Webhook deliveries run on their own queue, so slow receivers never hold up other work; they wait
## on the network, so a pool of threads (one HTTP client, one process) serves them best
webhook-worker: install
	$(BIN)/celery -A pronaflow worker -Q webhooks -P threads -c 8 -n webhooks@%h --loglevel=info

beat: install
	$(BIN)/celery -A pronaflow beat --loglevel=info

## Benchmarks against scratch PostgreSQL databases (each prints its numbers; minutes, not seconds)
BENCH_ENV := DJANGO_SETTINGS_MODULE=tests.settings
BENCH_DB := postgres://postgres@127.0.0.1:5432/pf_bench_analytics
bench: install-dev
	$(BENCH_ENV) $(BIN)/python bench/notifications/fanout.py
	$(BENCH_ENV) $(BIN)/python bench/notifications/inbox_1m.py
	$(BENCH_ENV) $(BIN)/python bench/scheduling/cpm_10k.py
	$(BENCH_ENV) $(BIN)/python bench/analytics/burndown_100k.py
	$(BIN)/python bench/lists/run.py
	$(BIN)/python bench/audit_export/run.py --rows 200000
	$(BENCH_ENV) $(BIN)/python bench/webhooks/run.py
	psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE IF EXISTS pf_bench_analytics" -c "CREATE DATABASE pf_bench_analytics"
	$(BENCH_ENV) DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate -v 0
	$(BENCH_ENV) DATABASE_URL=$(BENCH_DB) $(BIN)/python bench/analytics/metrics_1m.py
	$(BENCH_ENV) DATABASE_URL=$(BENCH_DB) $(BIN)/python bench/admin_dashboard/run.py
	psql postgres://postgres@127.0.0.1:5432/postgres -qc "DROP DATABASE pf_bench_analytics"

## The README's picture of the admin dashboard (docs/admin-dashboard.png), taken in Chromium from
## seed_demo data on a scratch SQLite database; SCREENSHOT_PORT is the loopback port served on.
SCREENSHOT_PORT ?= 8190
screenshot: install-dev
	$(BIN)/python -m tests.browser.screenshot --port $(SCREENSHOT_PORT)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var
