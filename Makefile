# cskit front door: `make report` and `make test` work on a fresh machine with Python 3.11 and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CSKIT := $(VENV)/bin/cskit
STAMP := $(VENV)/.installed
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
LANG_REPORT ?= ja
AUDIENCE ?= new_hire
TEAM ?= cs_smb

.PHONY: help install report class slides guide worksheet notebooks lab test test-fast bench browser postgres sample clean

help: ## List the targets and the layout they work on
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "  cskit/      the package: contract, options, dataset(s), io/, kpi/, cohorts/, targets/, roles/,"
	@echo "              exercises/, sample/, report/, plots/, widgets/, content/ (all text, ja/en), cli.py"
	@echo "  notebooks/  01 roles, 02 KPIs, 03 SMART targets, 04 cohorts (run per team by cskit report)"
	@echo "  data/       the data contract (README.md); data/sample/ is written by make sample"
	@echo "  reports/    what make report, class, slides, guide and worksheet write;  lab/  make notebooks"
	@echo "  tests/      make test;  bench/  make bench"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

SAMPLE := data/sample/accounts.csv
# regenerated when the generator or the example targets change (deterministic: same seed, same bytes)
$(SAMPLE): $(STAMP) $(wildcard cskit/sample/*.py) cskit/contract.py cskit/content/sample_targets.yml
	$(CSKIT) sample --out data/sample

install: $(STAMP) $(SAMPLE) ## Create .venv, install cskit with its dependencies, write the sample data

report: $(STAMP) $(SAMPLE) ## Run the per-team HTML reports on the bundled sample data (writes reports/)
	$(CSKIT) report --data data/sample --out reports --lang $(LANG_REPORT) --jobs $(JOBS)

slides: $(STAMP) $(SAMPLE) ## Build the participants' and the trainer's class decks (reports/slides.{participant,trainer}.<lang>.html; TEAM=cs_smb)
	$(CSKIT) slides --data data/sample --team $(TEAM) --lang $(LANG_REPORT) --audience participant --out reports/slides.participant.$(LANG_REPORT).html
	$(CSKIT) slides --data data/sample --team $(TEAM) --lang $(LANG_REPORT) --audience trainer --out reports/slides.trainer.$(LANG_REPORT).html

guide: $(STAMP) ## Write the facilitator guide for trainers (reports/guide.<lang>.html; MINUTES=60|90|180)
	$(CSKIT) guide --lang $(LANG_REPORT) --minutes $(or $(MINUTES),60) --out reports/guide.$(LANG_REPORT).html

worksheet: $(STAMP) ## Write the printable exercise worksheet, the answer key on its last page (reports/worksheet.<lang>.html)
	$(CSKIT) worksheet --lang $(LANG_REPORT) --out reports/worksheet.$(LANG_REPORT).html

notebooks: $(STAMP) $(SAMPLE) ## Write the four notebooks in one language, parameters set (lab/<lang>/; AUDIENCE=new_hire|trainer)
	$(CSKIT) notebooks --data data/sample --out lab/$(LANG_REPORT) --lang $(LANG_REPORT) --audience $(AUDIENCE)

class: slides guide worksheet notebooks ## Everything for one class in one language: both decks, the guide, the worksheet, the notebooks
	@echo "class materials ($(LANG_REPORT)): reports/slides.participant.$(LANG_REPORT).html reports/slides.trainer.$(LANG_REPORT).html"
	@echo "  reports/guide.$(LANG_REPORT).html reports/worksheet.$(LANG_REPORT).html lab/$(LANG_REPORT)/ (open with: make lab)"

# JupyterLab saves the widgets' state in the notebook, so a reopened notebook draws them again
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): $(STAMP)
	@mkdir -p $(dir $@)
	@echo '{"@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": true}}' > $@

lab: notebooks $(LAB_OVERRIDES) ## Open JupyterLab on the notebooks in one language (LANG_REPORT=ja|en, AUDIENCE=new_hire|trainer)
	$(VENV)/bin/jupyter lab lab/$(LANG_REPORT)

test: $(STAMP) $(SAMPLE) browser postgres ## Run the whole suite: tests/ and every docstring example in cskit/ (notebooks, browser, PostgreSQL, wheel included)
	$(PY) -m pytest -n $(JOBS) --dist loadgroup

test-fast: $(STAMP) $(SAMPLE) ## Unit tests only (no notebooks, no browser)
	$(PY) -m pytest -m "not notebooks and not browser" -n $(JOBS)

browser: ## Install Debian's headless Chromium (browser tests, cskit report --pdf) and pdftotext if missing
	@{ command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qiE "ipaexgothic|noto sans cjk"; } || { \
	  echo "installing chromium and a Japanese font (Debian packages) for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-ipaexfont-gothic poppler-utils >/dev/null; }

# the tests start their own throwaway server (tests/postgres.py): only the binaries are needed, no running service
postgres: ## Install Debian's PostgreSQL server for the database tests if it is missing
	@{ command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || { \
	  echo "installing postgresql (Debian package) for the database tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

bench: $(STAMP) ## Run the benchmark scripts under bench/ (prints ratios against references)
	$(PY) bench/run_all.py

sample: $(STAMP) ## Regenerate data/sample deterministically (same seed, same bytes)
	$(CSKIT) sample --out data/sample

clean: ## Remove generated reports and caches (keeps .venv)
	find reports -mindepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis
