# cloud-medic — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
STAMP_NODE := node_modules/.package-lock.json
STAMP_VENV := .venv/.requirements-installed
ALERTMANAGER := /usr/bin/prometheus-alertmanager


.PHONY: help setup build up down status demo bench eval test test-unit test-workflows test-integration lint typecheck record-histories clean

help:
	@echo "make demo   - set up what is missing, start the local stack, break an emulated fleet and watch it heal"
	@echo "make test   - set up what is missing and run every test (lint, types, unit, workflow, integration)"
	@echo "make up | make down | make status - the local stack (moto, Temporal dev server, worker, API)"

$(STAMP_NODE): package-lock.json
	./scripts/setup.sh

$(STAMP_VENV): requirements-dev.txt
	./scripts/setup.sh

$(ALERTMANAGER):
	./scripts/setup-debian.sh

setup:
	./scripts/setup.sh
	./scripts/setup-debian.sh

build: $(STAMP_NODE)
	npx tsc -p tsconfig.json

up: $(STAMP_NODE) $(STAMP_VENV) build
	./scripts/stack.sh up

down:
	./scripts/stack.sh down

status:
	./scripts/stack.sh status

demo: up
	source scripts/env.sh && node dist/scripts/demo.js

# Latency figures of the spine on the local stack, as a table (never asserted in tests).
bench: up
	source scripts/env.sh && node dist/scripts/bench.js

# Anomaly detector quality (NAB standard profile) and throughput on ../shared/datasets/nab-dev.
eval: build
	node bin/medic.js eval detector

lint: $(STAMP_NODE)
	npx eslint .
	npx prettier --check .

typecheck: $(STAMP_NODE)
	npx tsc -p tsconfig.json --noEmit

test: $(STAMP_NODE) $(STAMP_VENV) $(ALERTMANAGER) build lint
	@mkdir -p .data
	npx jest --ci --json --outputFile=.data/jest-results.json
	@node -e "const r=require('./.data/jest-results.json'); console.log('tests: ' + r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed')"

test-unit: $(STAMP_NODE)
	npx jest test/unit

test-workflows: $(STAMP_NODE) $(STAMP_VENV)
	npx jest test/workflows test/replay

test-integration: $(STAMP_NODE) $(STAMP_VENV) $(ALERTMANAGER) build
	npx jest test/integration

# Re-records the histories the replay test checks; run after an intended, patched() workflow change.
record-histories: $(STAMP_NODE) $(STAMP_VENV)
	MEDIC_RECORD_HISTORIES=1 npx jest test/workflows/incident.test.ts

clean: down
	rm -rf dist .data
