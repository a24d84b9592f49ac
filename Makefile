# xentbook: the two commands of the README are `make book` and `make test`.
# Both create .venv from requirements.txt on first use (Python 3.11 and the usual
# system tools are all that is needed; `make test` also installs headless
# Chromium through apt-get when it is missing).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The NumPy-only install (no torch) that `make test-core` tests.
CORE_VENV := .venv-core
CORE_STAMP := $(CORE_VENV)/.installed
NB ?=
# Parallel workers for the test runs (pytest-xdist); notebooks run one per worker.
JOBS ?= auto

# Other CPUs, emulated on this one: torch (ATen), MKL and OpenBLAS pick their kernels by
# CPU, and these settings make them take the code paths of an AVX2-only machine and of a
# baseline x86-64 machine with one thread. A chapter must print the same under all of them.
CPU_AVX2 := ATEN_CPU_CAPABILITY=avx2 MKL_CBWR=AVX2 OPENBLAS_CORETYPE=Haswell
CPU_BASELINE := ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE OPENBLAS_CORETYPE=Prescott OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
NBVAL := $(BIN)/python -m pytest -q --nbval --nbval-current-env -p no:cacheprovider -n $(JOBS) --dist loadfile notebooks

.PHONY: book test test-core test-portable venv unit fuzz notebooks notebook check-pairs nbval nbval-avx2 nbval-baseline site-test browser-deps clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

## make book: build the site into _build/html (warnings are errors)
book: $(STAMP)
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Site built: open $(CURDIR)/_build/html/index.html in a browser."

## make test: unit tests + doctests (the pairing check among them), the same without torch
## (the NumPy-only install), nbval (strict) natively and on an emulated baseline CPU, site
## build, browser test
test: $(STAMP) browser-deps
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory test-core
	$(MAKE) --no-print-directory nbval
	$(MAKE) --no-print-directory nbval-baseline
	$(MAKE) --no-print-directory site-test

## make test-portable: strict nbval natively and under both emulated CPUs
test-portable: $(STAMP)
	$(MAKE) --no-print-directory nbval
	$(MAKE) --no-print-directory nbval-avx2
	$(MAKE) --no-print-directory nbval-baseline

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n $(JOBS) tests xentbook

$(CORE_STAMP): pyproject.toml
	test -x $(CORE_VENV)/bin/python || $(PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CORE_VENV)/bin/python -m pip install --quiet -e '.[test-core]'
	touch $(CORE_STAMP)

# Left to `make unit`: the repository checks (pairing, site), and a brute-force corpus test that
# takes minutes and proves nothing more without torch than with it.
CORE_DESELECT := --deselect tests/test_data_near_duplicates.py::test_near_duplicate_pairs_real_reviews

## make test-core: the NumPy-only install (`pip install -e .[test-core]`, no torch) runs the
## unit tests and doctests; the modules that need torch are not collected (tests/conftest.py)
test-core: $(CORE_STAMP)
	@if $(CORE_VENV)/bin/python -c "import torch" 2>/dev/null; then \
		echo "test-core: torch is importable in $(CORE_VENV); the NumPy-only install must not have it"; exit 1; fi
	$(CORE_VENV)/bin/python -m pytest -q -n $(JOBS) -p no:cacheprovider tests xentbook \
		--ignore=tests/site --ignore=tests/test_notebook_pairing.py $(CORE_DESELECT)

check-pairs: $(STAMP)
	$(BIN)/python scripts/nb.py check

nbval: $(STAMP)
	$(NBVAL)

nbval-avx2: $(STAMP)
	env $(CPU_AVX2) $(NBVAL)

nbval-baseline: $(STAMP)
	env $(CPU_BASELINE) $(NBVAL)

site-test: $(STAMP) browser-deps
	$(MAKE) --no-print-directory book
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/site/test_site.py --run-site

## make fuzz: the large fuzz profile (>= 10,000 seeded bad-input calls over the public API)
fuzz: $(STAMP)
	XENTBOOK_FUZZ_CALLS=12000 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_fuzz.py -k test_fuzz_public_api --runxfail

## make notebook NB=name: regenerate notebooks/NB.ipynb from book/NB.md and execute it
notebook: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make notebook NB=<chapter>"; exit 2; }
	$(BIN)/python scripts/nb.py run $(NB)

notebooks: $(STAMP)
	$(BIN)/python scripts/nb.py run --all

browser-deps:
	@bash scripts/install_chromium.sh >/dev/null

clean:
	rm -rf _build $(CORE_VENV)
