# Zhifa — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.9.5
MANAGE := $(PY) manage.py
export PYTHONPATH := src
# Compiled bytecode is kept (in var/pycache, outside the sources and the virtual environment) even where
# the environment sets PYTHONDONTWRITEBYTECODE: otherwise every process of `make run` and `make test`
# (migrate, seed, gunicorn, the worker, each test worker) compiles ~1,400 modules again, about 1.5 s of
# CPU each (docs/benchmarks.md, "Item 7 — first start and `make test`: what dominates").
export PYTHONPYCACHEPREFIX ?= $(CURDIR)/var/pycache
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run dev test test-clock test-pg lint messages setup system-deps worker seed clean bench

## setup: Debian packages, virtual environment from the lock files, compiled catalogue (idempotent)
setup: system-deps $(VENV)/.synced compile

system-deps:
	@bash scripts/system-deps.sh

# The environment gets uv only (installed by the interpreter's own pip with --python, which saves
# building a pip inside it: ~4 s of CPU); an interpreter without pip falls back to ensurepip.
$(VENV)/bin/uv:
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(VENV)/bin/python install -q --disable-pip-version-check uv==$(UV_VERSION) \
		|| { $(VENV)/bin/python -m ensurepip -q && $(VENV)/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION); }

$(VENV)/.synced: requirements.txt requirements-dev.txt $(VENV)/bin/uv
	VIRTUAL_ENV=$(VENV) $(VENV)/bin/uv pip sync -q requirements.txt requirements-dev.txt
	@touch $@

compile: $(VENV)/.synced
	@$(MANAGE) compilemessages_all

## run: set everything up, migrate, load the demo data once, collect static files, then serve like
## production (gunicorn + whitenoise, DEBUG off) with the task worker, both kept running by supervisord
ZHIFA_PORT ?= 8000
ZHIFA_BIND ?= 127.0.0.1:$(ZHIFA_PORT)
export ZHIFA_ROOT := $(CURDIR)
export ZHIFA_VAR_DIR ?= $(CURDIR)/var
run: system-deps $(VENV)/.synced
	@mkdir -p $(ZHIFA_VAR_DIR)/log
	@echo "Preparing the catalogues, the static files and the database side by side (a minute the first time) ..."
	@$(MAKE) --no-print-directory -j2 run-prepared
	@echo ""
	@echo "  Zhifa is serving on http://$(ZHIFA_BIND)  (gunicorn, DEBUG off; make dev for the development server)"
	@echo "  Demo accounts (password zhifa-demo-2026): admin officer1 officer2 approver reviewer supervisor market1"
	@echo "  Logs: $(ZHIFA_VAR_DIR)/log/web.log, worker.log (rotated)   Stop: Ctrl-C"
	@echo ""
	@ZHIFA_BIND=$(ZHIFA_BIND) exec $(VENV)/bin/supervisord -n -c deploy/embedded/supervisord.conf

# What `make run` prepares before serving, on both cores (docs/benchmarks.md, "Issue 22, seventh
# session: item 7 on the merged tree"): the
# catalogues beside the migrations; then the demo (it needs both: its 文书 are rendered in Chinese)
# beside collectstatic. collectstatic needs neither, but its compression threads would slow the
# migrations, which the demo waits for; beside the demo's ~40 s it is hidden.
.PHONY: run-prepared run-migrated run-demo run-static
run-prepared: run-demo run-static

run-migrated: $(VENV)/.synced
	@$(MANAGE) migrate --noinput -v0

run-demo: compile run-migrated
	@ZHIFA_DEMO=1 $(MANAGE) seed_demo

run-static: run-migrated
	@$(MAKE) --no-print-directory -q $(ZHIFA_VAR_DIR)/static/staticfiles.json \
		|| $(MAKE) --no-print-directory $(ZHIFA_VAR_DIR)/static/staticfiles.json

# collectstatic only when a static source changed (a second `make run` skips it)
$(ZHIFA_VAR_DIR)/static/staticfiles.json: $(shell find src/zhifa -path '*/static/*' -type f 2>/dev/null) requirements.txt | $(VENV)/.synced
	ZHIFA_STATIC_MANIFEST=1 $(MANAGE) collectstatic --noinput -v0
	@touch $@

## dev: the development server with DEBUG and auto-reload (no worker: tasks wait until `make worker`)
dev: setup
	$(MANAGE) migrate --noinput
	DEBUG=true $(MANAGE) seed_demo
	DEBUG=true $(MANAGE) runserver 127.0.0.1:$(ZHIFA_PORT)

worker: setup
	$(MANAGE) run_huey

## test: the whole suite (set DATABASE_URL=postgres://... to run it on PostgreSQL)
test: setup
	$(VENV)/bin/pytest -q -n 2 --dist loadfile

## test-clock: the date-dependent tests with the clock at 12-20 of the last year the holiday package knows
test-clock: setup
	ZHIFA_TEST_TODAY=$$($(PY) -c "import chinese_calendar as c; print(max(d.year for d in c.holidays))")-12-20 \
		$(VENV)/bin/pytest -q -n 2 --dist loadfile -m clock

test-pg: setup
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhifa $(VENV)/bin/pytest -q -n 2 --dist loadfile

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy src

## messages: extract English message ids per app, refuse an incomplete zh_Hans catalogue, compile
messages: setup
	$(MANAGE) makemessages_all
	$(MANAGE) compilemessages_all --check-complete

bench: setup
	@for b in $(filter-out bench/load.py,$(wildcard bench/*.py)); do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) var/*.sqlite3 var/media var/testdb
