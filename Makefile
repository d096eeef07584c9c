# The two commands of the README (`make demo`, `make test`) bootstrap everything they need.
SHELL := /bin/bash
UV = $(shell tools/bootstrap.sh)
RUN = $(UV) run --frozen
.PHONY: demo test check format format-check lint types contracts bench bootstrap

bootstrap:
	@tools/bootstrap.sh >/dev/null

demo:
	$(RUN) kiosk enrol --simulated --embedded --count 3

test:
	$(RUN) pytest -q

format:
	$(RUN) ruff format kiosk devices ui tests build_installer.py
	$(RUN) ruff check --fix kiosk devices ui tests

format-check:
	$(RUN) ruff format --check kiosk devices ui tests

lint:
	$(RUN) ruff check kiosk devices ui tests

types:
	$(RUN) mypy

contracts:
	$(RUN) lint-imports

check: format-check lint types contracts test

bench:
	$(RUN) kiosk bench
