# xentbook: the two commands of the README are `make book` and `make test`.
# Both create .venv from requirements.txt on first use (Python 3.11 and the usual
# system tools are all that is needed; `make test` also installs headless
# Chromium through apt-get when it is missing).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?=

.PHONY: book test venv unit fuzz notebooks notebook check-pairs nbval browser browser-deps clean

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

## make test: unit tests + doctests, pairing check, nbval (strict), site build, browser test
test: $(STAMP) browser-deps
	$(BIN)/python scripts/nb.py check
	$(BIN)/python -m pytest -q tests xentbook
	$(BIN)/python -m pytest -q --nbval --nbval-current-env -p no:cacheprovider notebooks
	$(MAKE) --no-print-directory book
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/site/test_site.py --run-site

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests xentbook

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
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || bash scripts/install_chromium.sh

clean:
	rm -rf _build
