# The README's two commands: `make run` and `make test`. Both set everything up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint floors clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

# Opens the demo project (the seeds story) in the editor; without a display, says so and runs
# the headless pipeline on it instead.
run: $(STAMP)
	$(BIN)/claimdesk demo --open

# The floors first (seconds), then the suite: CI (.ci/run) runs `make test`, so it enforces them.
test: floors
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The import contracts in pyproject.toml (layers, no circles, PySide6 only in ui/bench, spaCy only
# in nlp), ruff with its complexity ceiling, and mypy on desktop/core (every edit goes through it;
# settings in pyproject.toml's [tool.mypy]).
floors: $(STAMP)
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check desktop tests
	$(BIN)/mypy desktop/core

lint: floors

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
