# naba: `make run` and `make test` are the two commands a fresh machine needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv run test lint eval bench index clean chaos loadtest

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: venv
	$(BIN)/python -m bot index
	$(BIN)/python -m bot

test: venv
	$(BIN)/python -m ruff check bot index tests tools
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/python -m ruff check bot index tests tools

# 2,100 hostile updates (three seeds × 700) through the real Application; `make test` runs 150.
chaos: venv
	NABA_CHAOS_UPDATES=700 $(BIN)/python -m pytest tests/test_chaos.py

loadtest: venv
	$(BIN)/python tools/loadtest.py

eval: venv
	$(BIN)/python -m bot eval

# The peers (bm25s with numba, tantivy) are a bench-only extra: installed here, never by `venv`.
bench: venv
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bot bench --passages 100000
	$(BIN)/python -m bot bench --passages 100000 --peers bm25s,tantivy
	$(BIN)/python -m bot bench --passages 1000000
	$(BIN)/python -m bot bench --passages 1000000 --peers bm25s,tantivy
	# the stall in processes of their own, as a bot's: into ~47k passages, then into 1M
	$(BIN)/python -m bot bench --stall
	$(BIN)/python -m bot bench --stall --stall-passages 1000000
	$(BIN)/python -m bot bench --startup --passages 1000000 --queries 1000

index: venv
	$(BIN)/python -m bot index

clean:
	rm -rf $(VENV) data .pytest_cache
