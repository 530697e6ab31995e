# The command surface of the project (wagtail style): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: check-system run serve test lock lint format install migrate demo worker messages bench bench-quick bench-load clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed ($(PYTHON) is older)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create a virtual environment: on Debian run 'apt-get install python3-venv'."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@# Nothing more when the lock is current; a dependency added without `make lock` still comes.
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Set up, migrate the SQLite database under var/, load places and the demo once, serve.
run: export DEBUG ?= 1
# The demo logins work with their password alone; production requires a second factor for
# administrators, managers and national officers (docs/security.md).
run: export REQUIRE_2FA ?= 0
run: $(STAMP)
	$(BIN)/python manage.py compile_translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_places
	$(BIN)/python manage.py seed_demo --print-logins --url http://$(HOST):$(PORT)/
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production stack on one machine (docs/deploy.md): migrate, compile_translations,
# collectstatic, load_places, then gunicorn (deploy/gunicorn.conf.py), the task worker and
# recover_jobs until Ctrl-C. DEBUG off; settings from the environment or KC_ENV_FILE
# (deploy/khuyencong.env.example).
serve: $(STAMP)
	HOST=$(HOST) PORT=$(PORT) deploy/serve.sh

# A worker for background jobs when TASKS_BACKEND=database.
worker: $(STAMP)
	$(BIN)/python manage.py db_worker

# Pin every package, with its hashes, from pyproject.toml's dependencies (after changing them).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal --generate-hashes -o requirements.lock -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Stop at once when a Debian package is missing (.ci/check_system prints the apt-get line).
check-system:
	@python3 .ci/check_system

# Lint, then the whole suite (SQLite unless DATABASE_URL says otherwise).
test: check-system $(STAMP)
	$(MAKE) --no-print-directory lint
	DJANGO_SETTINGS_MODULE=khuyencong.settings_test $(BIN)/python manage.py compile_translations
	DJANGO_SETTINGS_MODULE=khuyencong.settings_test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Refresh the catalogue from the source (needs GNU gettext: apt-get install gettext).
messages: $(STAMP)
	cd khuyencong && ../$(BIN)/python ../manage.py makemessages -l vi --no-obsolete --ignore 'tests/*' --ignore '*/tests/*'

# The national dataset (generated once, timed), every benchmark, the import and the load
# test, ending with one JSON line (bench/quick.py --national; docs/performance.md).
bench: $(STAMP)
	$(BIN)/python bench/quick.py --national

# p50/p95 through gunicorn with 1 and 20 clients, on the database the other scripts filled.
bench-load: $(STAMP)
	$(BIN)/python bench/load.py

# Every benchmark on a small generated dataset (a few minutes), ending with one JSON line.
bench-quick: $(STAMP)
	$(BIN)/python bench/quick.py

clean:
	rm -rf $(VENV) var/ .pytest_cache .ruff_cache
