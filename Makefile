# Tam Nông: `make run` (set up, migrate, load divisions and demo, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEBUG ?= 0
STAMP := $(VENV)/.installed

.PHONY: run test setup lint format browser-deps clean worker

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)
	mkdir -p var
	$(PY) -m tamnong.cli migrate --noinput
	$(PY) -m tamnong.cli divisions load
	$(PY) -m tamnong.cli demo --province 20

run: setup
	PORT=$(PORT) DEBUG=$(DEBUG) $(PY) -m tamnong.cli serve

worker: $(STAMP)
	$(PY) -m tamnong.cli worker

test: $(STAMP)
	mkdir -p var
	$(PY) -m ruff check .
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf var/test*.sqlite3 .pytest_cache
