# Two commands: `make demo` (set up and serve the portal) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: install demo test lint format migrate messages bench loadtest browser-test worker clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

install: $(BIN)/activate ## create .venv with the project and its dev tools

migrate: install
	$(PY) manage.py migrate --noinput

# The demo runs as production does (DEBUG off: the portal's own error pages), over plain HTTP on this machine,
# serving its static files itself, with a secret key generated once into .venv/.
DEMO_ENV = DEBUG=0 STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 \
	SECURE_HSTS_SECONDS=0 ALLOWED_HOSTS='*' SECRET_KEY="$$(cat $(VENV)/demo-secret-key)"

$(VENV)/demo-secret-key: $(BIN)/activate
	$(PY) -c 'import secrets; print("demo-" + secrets.token_urlsafe(50))' > $@

demo: install $(VENV)/demo-secret-key ## install, migrate, seed demo data and serve http://$(HOST) (SQLite, tasks in-process)
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo --url http://$(HOST)/
	$(DEMO_ENV) $(PY) manage.py runserver --insecure $(HOST)

test: install ## the whole suite (set DATABASE_URL / RUN_REDIS_TESTS=1 to widen it; browser tests need chromium)
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

browser-test: install ## only the browser tests (tests/browser; screenshots in test-artifacts/screenshots)
	$(BIN)/pytest tests/browser

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
