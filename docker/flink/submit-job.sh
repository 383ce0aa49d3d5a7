#!/usr/bin/env bash
# Submits the Vigil correlator job to the Flink session cluster, once.
#
# Runs in the job-submit container (Flink image) after the image's entrypoint
# has applied FLINK_PROPERTIES. Exits 0 when the job was submitted or one is
# already active, non-zero with a message that says what to do otherwise.
set -euo pipefail

# Settings of this script are deliberately not named VIGIL_*: that prefix is
# reserved for overrides of the job's own configuration keys, which the job's
# main() reads from this same environment.

FLINK_REST="${FLINK_REST:-jobmanager:8081}"
JOB_JAR="${SUBMIT_JOB_JAR:-/opt/vigil/vigil-job.jar}"
CONFIG="${SUBMIT_CONFIG:-/opt/vigil/vigil.properties}"
RULES_DIR="${SUBMIT_RULES_DIR:-/opt/vigil/rules}"
MAIN_CLASS="org.vigil.job.CorrelatorJob"
REQUIRED_SLOTS="${SUBMIT_REQUIRED_SLOTS:-2}"
WAIT_SECONDS="${SUBMIT_WAIT_SECONDS:-180}"

log() { echo "job-submit: $*"; }
fail() { echo "job-submit: ERROR: $*" >&2; exit 1; }

[ -s "$JOB_JAR" ] || fail "no job jar at $JOB_JAR. Build it first from the repository root: mvn -DskipTests package"
[ -r "$CONFIG" ] || fail "cannot read $CONFIG (mounted from docker/vigil.properties)"
[ -d "$RULES_DIR" ] || fail "no rules directory at $RULES_DIR (mounted from the repository's rules/)"

# Integer value of a top-level numeric field in Flink's compact REST JSON.
json_int() {
  printf '%s' "$2" | grep -oE "\"$1\"[[:space:]]*:[[:space:]]*[0-9]+" | grep -oE '[0-9]+$' | head -n 1
}

# The JobManager is healthy before this runs, but TaskManagers register a
# little later; a job submitted without enough slots waits and may time out.
log "waiting for ${REQUIRED_SLOTS} task slots at http://${FLINK_REST}"
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  overview="$(wget -q -O - "http://${FLINK_REST}/overview" 2>/dev/null || true)"
  slots="$(json_int slots-total "$overview")"
  if [ "${slots:-0}" -ge "$REQUIRED_SLOTS" ]; then
    log "cluster has ${slots} task slots"
    break
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    fail "cluster reports ${slots:-no} task slots after ${WAIT_SECONDS}s, need ${REQUIRED_SLOTS}. Check: docker compose -f docker/compose.yaml logs taskmanager"
  fi
  sleep 3
done

# This session cluster runs Vigil only: any active job means Vigil is already
# running, and submitting again would run two correlators writing the same
# alerts and sharing one transactional-id prefix.
jobs="$(wget -q -O - "http://${FLINK_REST}/jobs/overview" 2>/dev/null || true)"
if printf '%s' "$jobs" | grep -qE '"state"[[:space:]]*:[[:space:]]*"(INITIALIZING|CREATED|RUNNING|RESTARTING|FAILING|CANCELLING|RECONCILING|SUSPENDED)"'; then
  log "a job is already active on the cluster; not submitting another:"
  printf '%s\n' "$jobs"
  exit 0
fi

args=(run -m "$FLINK_REST" -d -c "$MAIN_CLASS")
if [ -n "${RESTORE_FROM:-}" ]; then
  log "restoring from ${RESTORE_FROM}"
  args+=(-s "$RESTORE_FROM")
fi
args+=("$JOB_JAR" --config "$CONFIG")

log "flink ${args[*]}"
exec flink "${args[@]}"
