# govhall — the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000

.PHONY: setup demo run test test-fast test-browser lint worker bench clean

## setup: virtualenv, Python and npm packages (with the embedded PDF font), database, calendar, divisions
setup: $(VENV)/.installed node_modules/.installed
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) setup_reference_data

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## demo: set up, load the demo county (新巴尔虎右旗) and serve it at http://$(HOST) on SQLite, with the
## background worker (Excel imports and other tasks) running beside the web server until it stops
## (--no-reload: $! is then the worker itself, not an autoreloader whose child would outlive it)
demo: setup
	$(MANAGE) load_demo
	@echo "govhall 已启动：http://$(HOST)/  （工作人员账号见 README）"
	$(MANAGE) db_worker --no-reload & W=$$!; $(MANAGE) scheduler & S=$$!; trap 'kill $$W $$S 2>/dev/null' EXIT INT TERM; $(MANAGE) runserver $(HOST)

run:
	$(MANAGE) runserver $(HOST)

## test: set up and run the whole suite (unit, API and browser tests)
test: $(VENV)/.installed node_modules/.installed
	$(BIN)/ruff check govhall bench
	$(BIN)/mypy govhall bench
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not browser"

test-browser: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m pytest -m browser

lint: $(VENV)/.installed
	$(BIN)/ruff check govhall bench
	$(BIN)/ruff format --check govhall bench
	$(BIN)/mypy govhall bench

## worker: run background tasks (deadline checks, reports, imports)
worker:
	$(MANAGE) db_worker

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules var

## messages: collect the translatable strings into locale/en/LC_MESSAGES/django.po (then translate
## the new entries) and compile django.mo; needs GNU gettext. Commit both files.
.PHONY: messages
messages: $(VENV)/.installed
	$(MANAGE) makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var
	$(MANAGE) compilemessages -l en --ignore=.venv
