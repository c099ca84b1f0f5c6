#!/usr/bin/env bash
# Debian packages the tests use: a real Prometheus Alertmanager that sends webhooks to the API,
# a real Prometheus that scrapes the metric endpoints and runs the Grafana dashboard's queries, and
# Chromium for the web console's end-to-end test (driven by playwright-core; no browser download).
set -euo pipefail
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
needed=()
[ -x /usr/bin/prometheus-alertmanager ] || needed+=(prometheus-alertmanager)
[ -x /usr/bin/prometheus ] || needed+=(prometheus)
[ -x /usr/bin/chromium ] || needed+=(chromium)
if [ ${#needed[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup: the tests need Debian's ${needed[*]}; install with apt-get as root" >&2
  exit 1
fi
say "Debian packages ${needed[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
