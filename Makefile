# The two commands of README.md:
#   make dashboard   install everything, load the demo scenario, start the dashboard
#   make test        install everything (with the browser) and run the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEMO_STORE ?= $(CURDIR)/.data/demo.gpkg
PORT ?= 8501

.PHONY: install install-browser install-postgis dashboard demo-store demo-reset test screenshots benchmark

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install-browser:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install-browser.sh

# PostgreSQL + PostGIS from Debian's packages, for the server store's tests (they start their own clusters).
install-postgis:
	@bash scripts/install-postgis.sh

# The demo store is written only when it is absent: triage, imports and the audit log made on the
# desk survive a restart. `make demo-reset` replaces it on purpose.
demo-store: install
	@test -f $(DEMO_STORE) || $(PY) -m ewarning demo --store $(DEMO_STORE)

demo-reset: install
	$(PY) -m ewarning demo --store $(DEMO_STORE) --force

# Nobody signs in without an account, and there is no default password: on a store without accounts the
# first supervisor's name and password are asked for here, once.
dashboard: demo-store
	@$(PY) -m ewarning users first --store $(DEMO_STORE)
	EWARNING_STORE=$(DEMO_STORE) $(VENV)/bin/streamlit run serve.py --server.port $(PORT)

test: install install-browser install-postgis
	$(PY) -m pytest -q -n 2 --dist loadgroup

screenshots: install install-browser
	EWARNING_SCREENSHOTS=$(CURDIR)/docs/screenshots $(PY) -m pytest -q tests/test_browser.py tests/test_browser_intake.py tests/test_browser_signin.py tests/test_browser_training.py tests/test_browser_engagement.py

benchmark: install
	$(PY) benchmarks/bench_import.py
