#!/usr/bin/env bash
# Debian packages the tests use: a real Prometheus Alertmanager to send webhooks to the API.
set -euo pipefail
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
if [ -x /usr/bin/prometheus-alertmanager ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup: the tests need Debian's prometheus-alertmanager; install it with apt-get as root" >&2
  exit 1
fi
say "Debian package prometheus-alertmanager"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null
