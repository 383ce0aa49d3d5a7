#!/bin/sh
# Creates the Kibana data view "Vigil alerts" (index pattern vigil-alerts*,
# time field @timestamp) and makes it the default, so analysts land on alerts
# in Discover. Idempotent: override=true replaces a data view with that title.
#
# Runs in the kibana-init container (Kibana image, which ships curl) once
# Kibana is healthy. allowNoIndex lets the view exist before the job has
# written its first alert.
set -eu

KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
BODY=/opt/vigil/kibana/vigil-alerts-data-view.json

# post PATH CURL_DATA_ARG: POST JSON to Kibana, retrying while it settles.
post() {
  attempt=1
  while :; do
    if curl -fsS -X POST "${KIBANA_URL}$1" \
        -H 'kbn-xsrf: vigil-init' -H 'Content-Type: application/json' \
        --data-binary "$2" -o /dev/null; then
      return 0
    fi
    if [ "$attempt" -ge 10 ]; then
      echo "kibana-init: ERROR: POST $1 failed ${attempt} times; check: docker compose -f docker/compose.yaml logs kibana" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 5
  done
}

echo "kibana-init: creating data view vigil-alerts* (time field @timestamp)"
post /api/data_views/data_view "@${BODY}"

echo "kibana-init: making it the default data view"
post /api/data_views/default '{"data_view_id": "vigil-alerts", "force": true}'

echo "kibana-init: done; open http://127.0.0.1:5601/app/discover"
