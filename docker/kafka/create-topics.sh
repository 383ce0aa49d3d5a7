#!/bin/sh
# Creates the topics the Vigil correlator reads and writes. Idempotent: topics
# that exist are left as they are (partitions and configs are not changed).
#
# Runs in the kafka-init container (apache/kafka image), once the broker is
# healthy. Replication factor 1 because the stack has one broker; production
# uses 3 with min.insync.replicas=2 (see docker/README.md).
set -eu

BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
EVENT_PARTITIONS="${EVENT_PARTITIONS:-3}"
TOPICS_CMD=/opt/kafka/bin/kafka-topics.sh

DAY_MS=86400000

# create TOPIC PARTITIONS RETENTION_MS [extra --config flags...]
create() {
  topic="$1"; partitions="$2"; retention_ms="$3"; shift 3
  echo "kafka-init: ${topic} (${partitions} partitions, retention $((retention_ms / DAY_MS)) days)"
  "$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$topic" --partitions "$partitions" --replication-factor 1 \
    --config "retention.ms=${retention_ms}" --config min.insync.replicas=1 "$@"
}

# Security events in. Partitions bound the source parallelism; the job keys by
# entity after parsing, so the count does not change correlation results.
create soc.events.ecs      "$EVENT_PARTITIONS" $((7 * DAY_MS))
create soc.events.suricata "$EVENT_PARTITIONS" $((7 * DAY_MS))
create soc.events.windows  "$EVENT_PARTITIONS" $((7 * DAY_MS))
create soc.events.cef      "$EVENT_PARTITIONS" $((7 * DAY_MS))
create soc.events.web      "$EVENT_PARTITIONS" $((7 * DAY_MS))
create soc.events.zeek     "$EVENT_PARTITIONS" $((7 * DAY_MS))

# Records that could not be parsed (reason, source offset, original bytes) and
# events that arrived after the watermark: kept longer, for triage and replay.
# A dead letter holds the original record in base64: allow twice the 1 MiB ingest limit and more.
create soc.deadletter   "$EVENT_PARTITIONS" $((30 * DAY_MS)) --config max.message.bytes=8388608
create soc.events.late  "$EVENT_PARTITIONS" $((30 * DAY_MS))

# Verified alerts as STIX 2.1 bundles for the NCSC, written transactionally:
# its consumers must read with isolation.level=read_committed. One partition,
# so the NCSC receives bundles in the order they were committed.
create ncsc.stix 1 $((14 * DAY_MS))

# Reference data for enrichment (bin/vigil intel load writes them; the job holds
# them in broadcast state). Compacted: the latest record per key lives forever,
# a tombstone removes a key. One partition, so a botnet list's entries, its
# version announcement and the old version's tombstones keep their order.
# Tombstones stay 7 days (delete.retention.ms) so a reader that was down that
# long still sees removals.
create_compacted() {
  topic="$1"
  echo "kafka-init: ${topic} (1 partition, compacted)"
  "$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$topic" --partitions 1 --replication-factor 1 \
    --config cleanup.policy=compact --config "delete.retention.ms=$((7 * DAY_MS))" \
    --config min.insync.replicas=1
}
create_compacted vigil.intel.assets
create_compacted vigil.intel.botnet
create_compacted vigil.intel.iocs
create_compacted vigil.intel.vulns

# Rules deployed to the running job by 'bin/vigil rules deploy' (key: rule id,
# value: the rule file; a tombstone undeploys). Compacted, so the latest record
# per rule is kept for ever; one partition, so changes apply in publish order.
# Tombstones stay 30 days: a job started without state within that time sees
# the undeploy too (after it, keep rules.dir in step with what is deployed).
echo "kafka-init: vigil.rules (1 partition, compacted)"
"$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
  --topic vigil.rules --partitions 1 --replication-factor 1 \
  --config cleanup.policy=compact --config "delete.retention.ms=$((30 * DAY_MS))" \
  --config min.insync.replicas=1
# What the job did with each rules-topic record (deployed, replaced, undeployed,
# unchanged, refused with the error), as JSON keyed by rule id.
create vigil.rules.status 1 $((30 * DAY_MS))

echo "kafka-init: topics now on the broker:"
"$TOPICS_CMD" --bootstrap-server "$BOOTSTRAP" --list
