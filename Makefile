# One-command set-up: every target builds .venv from scratch when it is missing or
# when the packaging files changed since it was built.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OT2_DATA_DIR ?= $(CURDIR)/var/data
export OT2_RUN_DIR ?= $(CURDIR)/var/run
# The simulated robot has a pipette on each mount, as a typical OT-2 does.
export OT2_SIM_PIPETTES ?= left:p300_single_v2.0,right:p20_single_v2.2

.PHONY: run test bench setup clean

setup: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ot2 start --smoothie sim --host 127.0.0.1 --port 31950

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	@for b in bench/*.py; do echo "# $$b" >&2; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
