# The two commands of the README (`make demo`, `make test`) bootstrap everything they need:
# uv, the Debian libraries Qt needs, and the locked environment (tools/bootstrap.sh).
SHELL := /bin/bash
RUN = tools/in-env.sh
SOURCES = kiosk devices ui tests
.PHONY: demo headless test check format format-check lint types contracts bench bootstrap

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
