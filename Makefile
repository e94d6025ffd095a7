# The commands of the README: `make run`, `make demo` and `make test`. Each (re)creates .venv
# from pyproject.toml when it is missing or older than pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast eval bench lint venv clean deploy chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/redline run

# The five seed articles through the real pipeline on 127.0.0.1 (no network): see `redline demo`.
demo: $(STAMP)
	$(BIN)/redline demo

test: $(STAMP) chromium
	$(BIN)/python -m pytest -q

# Everything that needs no Prefect server and no long waits, spread over the cores.
test-fast: $(STAMP) chromium
	$(BIN)/python -m pytest -q -n auto -m "not prefect and not slow"

# The report's test opens the page in a real headless browser: Debian's chromium (Playwright
# drives it; Playwright's own browser builds are never downloaded). Installed when missing.
chromium:
	@test -x /usr/bin/chromium || { echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

eval: $(STAMP)
	$(BIN)/python -m extractors.signals.evaluate
	$(BIN)/python -m redline.grounding

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/alert_latency.py
	$(BIN)/python bench/startup.py

# Register prefect.yaml's deployments with the server at $$PREFECT_API_URL (from the
# environment or the Prefect profile). Without one, Prefect would register them into a
# temporary server that is thrown away: refuse, and say what to do.
deploy: $(STAMP)
	@$(BIN)/python -c 'from prefect.settings import PREFECT_API_URL; raise SystemExit(0 if PREFECT_API_URL.value() else 1)' || { \
	  echo "make deploy: PREFECT_API_URL is not set, so the deployments would go to a temporary Prefect server that is thrown away; start one (prefect server start, or redline serve) and export PREFECT_API_URL=http://127.0.0.1:4200/api" >&2; exit 2; }
	$(BIN)/prefect work-pool inspect redline-process >/dev/null 2>&1 || $(BIN)/prefect work-pool create redline-process --type process
	REDLINE_HOME=$(CURDIR) $(BIN)/prefect --no-prompt deploy --all

# ruff; mypy over redline/, warehouse/, flows/, extractors/; the one-way import contracts
# (import-linter). All three are configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) data .pytest_cache
