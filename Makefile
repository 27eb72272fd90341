# The two commands of the README's quick start. Each sets up .venv itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench docs clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/netanalysis demo --out demo-output --force

test: $(STAMP)
	$(PY) -m pytest

# The centrality core against its peers (about 15 min on 2 cores; writes
# benchmarks/RESULTS.md). The other scripts of benchmarks/ say how to run them.
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) benchmarks/bench_centrality.py

# The API reference from the docstrings, with the README and the architecture
# page (offline; any warning or broken reference fails): docs/_build/html.
docs: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,docs]'
	$(PY) -m sphinx -b html -W --keep-going -n -q docs docs/_build/html

clean:
	rm -rf $(VENV) demo-output .pytest_cache docs/_build docs/generated
