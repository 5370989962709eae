# PronaFlow developer commands. `make run` and `make test` are the two the README starts with.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# `make run` uses the embedded default (SQLite, in-process tasks, console e-mail) unless these are set.
RUN_ENV := DEBUG=$${DEBUG:-true}
# `make run` serves on loopback only: the development server (DEBUG on, demo logins) must not be
# reachable from the network. `make run HOST=0.0.0.0` exposes it (add the host to ALLOWED_HOSTS).
# Plain assignments: a HOST or PORT exported by the shell does not change them, the command line does.
HOST = 127.0.0.1
PORT = 8000

.PHONY: run test install install-dev lint schema worker webhook-worker beat bench screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

## Install, migrate, load demo data and serve on http://127.0.0.1:8000 (HOST=, PORT= to change)
run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

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

## Every benchmark, one after another (under 15 minutes on a 2-core machine), then one summary table:
## benchmark, measure, PronaFlow, floor, ratio, target, met? (bench/run_all.py; BENCH_ARGS passes
## options, e.g. BENCH_ARGS="--only scale,lists" or "--db-prefix pf_me_ --redis redis://127.0.0.1:6379/9")
BENCH_ARGS ?=
bench: install-dev
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

## The README's picture of the admin dashboard (docs/admin-dashboard.png), taken in Chromium from
## seed_demo data on a scratch SQLite database; SCREENSHOT_PORT is the loopback port served on.
SCREENSHOT_PORT ?= 8190
screenshot: install-dev
	$(BIN)/python -m tests.browser.screenshot --port $(SCREENSHOT_PORT)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var
