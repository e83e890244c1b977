# The README's two commands: `make run` and `make test`. Both set everything up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint clean

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

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check desktop tests

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
