# cloud-medic — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
STAMP_NODE := node_modules/.package-lock.json
STAMP_INFRA := infra/node_modules/.package-lock.json
STAMP_VENV := .venv/.requirements-installed
DEBIAN_TOOLS := /usr/bin/prometheus-alertmanager /usr/bin/prometheus /usr/bin/chromium


.PHONY: help setup build up down status demo bench eval screenshots test typecheck-infra test-unit test-workflows test-integration lint typecheck record-histories clean

help:
	@echo "make demo   - set up what is missing, start the local stack, break an emulated fleet and watch it heal"
	@echo "make test   - set up what is missing and run every test (lint, types, unit, workflow, integration)"
	@echo "make up | make down | make status - the local stack (moto, Temporal dev server, worker, API; console at http://127.0.0.1:8080/)"

$(STAMP_NODE): package-lock.json
	./scripts/setup.sh

$(STAMP_VENV): requirements-dev.txt
	./scripts/setup.sh

$(STAMP_INFRA): infra/package-lock.json
	./scripts/setup.sh

$(DEBIAN_TOOLS):
	./scripts/setup-debian.sh

setup:
	./scripts/setup.sh
	./scripts/setup-debian.sh

build: $(STAMP_NODE)
	npx tsc -p tsconfig.json
	node dist/scripts/bundle-workflows.js
	npx tsc -p api/console/tsconfig.json
	npx vite build --config api/console/vite.config.mts

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

# Model quality tables: the detector (NAB on ../shared/datasets/nab-dev), predictive scaling,
# the remediation policy and root-cause ranking (simulated incidents and cascades).
eval: build
	node bin/medic.js eval detector
	@echo
	node bin/medic.js eval scaling
	@echo
	node bin/medic.js eval forecast
	@echo
	node bin/medic.js eval policy
	@echo
	node bin/medic.js eval rootcause
	@echo
	node bin/medic.js eval maintenance
	@echo
	node bin/medic.js eval live
	@echo
	node bin/medic.js eval intents
	@echo "held-out set 1 (written after tuning on the set above; the parser was then tuned on its misses):"
	node bin/medic.js eval intents --set test/fixtures/intents-holdout.tsv
	@echo "held-out set 2 (written after the last change; never used to tune):"
	node bin/medic.js eval intents --set test/fixtures/intents-holdout-2.tsv

lint: $(STAMP_NODE) $(STAMP_INFRA)
	npx eslint .
	npx prettier --check .

typecheck: $(STAMP_NODE) $(STAMP_INFRA)
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p api/console/tsconfig.json
	npx tsc -p infra/tsconfig.json

test: $(STAMP_NODE) $(STAMP_VENV) $(STAMP_INFRA) $(DEBIAN_TOOLS) build lint typecheck-infra
	@mkdir -p .data
	npx jest --ci --json --outputFile=.data/jest-results.json
	@node -e "const r=require('./.data/jest-results.json'); console.log('tests: ' + r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed')"

typecheck-infra: $(STAMP_INFRA)
	npx tsc -p infra/tsconfig.json

test-unit: $(STAMP_NODE) $(STAMP_INFRA)
	npx jest test/unit infra

test-workflows: $(STAMP_NODE) $(STAMP_VENV)
	npx jest test/workflows test/replay

test-integration: $(STAMP_NODE) $(STAMP_VENV) $(DEBIAN_TOOLS) build
	npx jest test/integration

# Refreshes docs/screenshots/ from the console's end-to-end test (headless Debian Chromium).
screenshots: $(STAMP_NODE) $(STAMP_VENV) $(DEBIAN_TOOLS) build
	MEDIC_SCREENSHOTS=1 npx jest test/integration/console.test.ts

# Re-records the histories the replay test checks; run after an intended, patched() workflow change.
record-histories: $(STAMP_NODE) $(STAMP_VENV)
	MEDIC_RECORD_HISTORIES=1 npx jest test/workflows/incident.test.ts test/workflows/traffic-flood.test.ts test/faults/aws-outage.test.ts

clean: down
	rm -rf dist .data
