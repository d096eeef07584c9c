# The two commands of the README (`make demo`, `make test`) bootstrap everything they need:
# uv, the Debian libraries Qt needs, and the locked environment (tools/bootstrap.sh).
SHELL := /bin/bash
RUN = tools/in-env.sh
SOURCES = kiosk devices ui tests
.PHONY: demo headless test check format format-check lint types contracts bench bootstrap mutate

bootstrap:
	@tools/bootstrap.sh >/dev/null

demo:
	$(RUN) kiosk demo

headless:
	$(RUN) kiosk enrol --simulated --embedded --count 3

test:
	$(RUN) pytest -q

format:
	$(RUN) ruff format $(SOURCES)
	$(RUN) ruff check --fix $(SOURCES)

format-check:
	$(RUN) ruff format --check $(SOURCES)

lint:
	$(RUN) ruff check $(SOURCES)

types:
	$(RUN) mypy

contracts:
	$(RUN) lint-imports

check: format-check lint types contracts test

bench:
	$(RUN) kiosk bench

# Mutation testing of the rule-holding modules (docs/development.md, "Mutation testing"):
# `make mutate` runs every group, `make mutate GROUP=flow` one; the report fails under the threshold.
GROUP ?= all
MUTATE_WORKERS ?= 2
mutate:
	$(RUN) python tools/mutate.py $(GROUP) --workers $(MUTATE_WORKERS)
	$(RUN) python tools/mutation_report.py $(GROUP)
