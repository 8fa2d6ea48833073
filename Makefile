# Two commands: `make demo` (set up and serve the portal) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: install demo test lint format migrate messages bench loadtest worker clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

install: $(BIN)/activate ## create .venv with the project and its dev tools

migrate: install
	$(PY) manage.py migrate --noinput

demo: install ## install, migrate, seed demo data and serve http://127.0.0.1:8000 (SQLite, tasks in-process)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver $(HOST)

test: install ## the whole suite (set DATABASE_URL / RUN_REDIS_TESTS=1 to widen it)
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m tests.test_architecture

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install ## extract and compile translations of every app and the project templates
	for app in counties indicators funding inspections training; do \
	  (cd $$app && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete >/dev/null); done
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i 'counties/*' -i 'indicators/*' -i 'funding/*' \
	  -i 'inspections/*' -i 'training/*' -i '.venv/*' -i 'static/*' -i 'tests/*' >/dev/null
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null

bench: install ## performance benchmark (prints figures and ratios)
	$(PY) -m tests.bench

loadtest: install ## pages under load per role: gunicorn + locust headless, p50/p95/p99 (figures, not assertions)
	$(PY) -m tests.loadtest

worker: install ## a Celery worker with beat (needs REDIS_URL)
	$(BIN)/celery -A config worker -B --loglevel=info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
