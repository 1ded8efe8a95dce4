# ChainMind: the two commands are `make lab` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A CPU build of torch installs fast and is all the course needs. Any torch in the
# range of pyproject.toml works: override with `make lab TORCH="torch>=2.2"`.
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.chainmind-installed
# A cell that waits longer than this (a lost kernel reply on a busy machine) fails
# instead of hanging the run.
NBVAL := --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600
JOBS ?= 2
export OMP_WAIT_POLICY := PASSIVE
export PYTHONHASHSEED := 0

.PHONY: lab test test-unit test-notebooks test-browser lint exercises outputs bench \
	check-env setup clean clean-venv progress progress-reset site grade classroom miner

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install "$(TORCH)"
	$(BIN)/pip install -e ".[test,browser,site]"
	@touch $(STAMP)

# Jupyter refuses to run as root unless told; containers and some VMs run as root.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
lab: setup
	$(BIN)/jupyter lab $(LAB_FLAGS) lessons/00_welcome.ipynb

test: setup lint test-unit test-notebooks test-browser
	@echo "make test: all passed"

# Tests never write the learner's progress log (.chainmind/): they log under build/.
test test-unit test-notebooks test-browser: export CHAINMIND_PROGRESS ?= \
	$(CURDIR)/build/test-progress.jsonl

lint: setup
	$(BIN)/ruff check .

test-unit: setup
	$(BIN)/pytest -n $(JOBS) -m "not browser" tests

test-notebooks: setup
	$(BIN)/pytest -n $(JOBS) --dist loadfile --nbval $(NBVAL) lessons solutions
	$(BIN)/pytest -n $(JOBS) --dist loadfile --nbval-lax exercises

test-browser: setup
	-@bash tests/browser/install_browser.sh
	$(BIN)/pytest -p no:xdist -m browser tests/browser

exercises: setup
	$(BIN)/python -m refimpl.course.exercises

# Your progress through the exercises (every check() logs to .chainmind/, git-ignored).
progress: setup
	$(BIN)/python -m refimpl.course.progress

progress-reset: setup
	$(BIN)/python -m refimpl.course.progress --reset

# The course as a static website, from the committed notebooks (no re-execution):
# build/site/index.html. Sphinx + myst-nb, warnings are errors, works offline.
site: setup
	$(BIN)/python site/build_site.py

# Grade a room's exercise notebooks: make grade SUBMISSIONS=DIR [OUT=grades] [TIMEOUT=300]
OUT ?= grades
TIMEOUT ?= 300
grade: setup
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=DIR [OUT=grades]"; exit 2; }
	$(BIN)/python -m refimpl.course.grade "$(SUBMISSIONS)" --out "$(OUT)" --timeout $(TIMEOUT)

# Re-execute lessons and solutions in place, top to bottom (NB=lessons/03_*.ipynb for one).
NB ?= lessons/*.ipynb solutions/*.ipynb
outputs: setup
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=600 $(NB)

bench: setup
	$(BIN)/python benchmarks/run.py

# Lesson 15: a node, a validator and demo miners on 127.0.0.1 (Ctrl-C stops them all).
CLASSROOM_PORT ?= 8000
MINERS ?= 4
classroom: setup
	$(BIN)/python -m refimpl.net classroom --port $(CLASSROOM_PORT) --miners $(MINERS)

# A learner's miner joins a node: make miner NODE=http://HOST:PORT IP=<your LAN address>
# (without IP it binds 127.0.0.1: a node on this machine). SEED, KIND, MINER_PORT optional.
SEED ?= 1
KIND ?= honest_small
MINER_PORT ?= 8091
miner: setup
	@test -n "$(NODE)" || { echo "usage: make miner NODE=http://HOST:PORT [IP=your LAN address] [SEED=n] [KIND=honest_small]"; exit 2; }
	$(BIN)/python -m refimpl.net miner --node $(NODE) --port $(MINER_PORT) \
		--seed $(SEED) --kind $(KIND) $(if $(IP),--host 0.0.0.0 --ip $(IP),--host 127.0.0.1)

check-env: setup
	$(BIN)/python -m refimpl.course.envcheck

clean:
	rm -rf build .pytest_cache .hypothesis .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name .ipynb_checkpoints -type d -exec rm -rf {} +

clean-venv: clean
	rm -rf $(VENV)
