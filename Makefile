# The two set-up commands of the README: `make chat` and `make test`. Both work on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: chat test install lint chromium audit bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# Pinned first and on its own, so pip takes the CPU wheel on disk and never a CUDA build.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Exit code 3 means some files were skipped (the report names them); the app still starts.
chat: install
	$(VENV)/bin/partnerbot ingest || [ $$? -eq 3 ]
	$(VENV)/bin/partnerbot serve

lint: install
	$(VENV)/bin/ruff check .

# The browser tests drive Debian's Chromium; install it when it is missing (root on CI and dev machines).
chromium:
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: install lint chromium
	$(VENV)/bin/pytest

# Not part of `make test`: it needs the vulnerability data of PyPI's per-release API or OSV, which a machine
# without internet cannot reach. --strict turns "could not be audited" into a failure instead of a silent pass.
audit: install
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

# Not part of `make test`: about a quarter of an hour on two cores. Writes reports/bench/{bench.md,bench.json,latency.png}.
bench: install
	$(PY) -m bench

clean:
	rm -rf .partnerbot
