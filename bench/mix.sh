#!/usr/bin/env bash
# One run of the load mix (issue 22, item 8) on a fresh copy of the snapshot `bench/snapshot.sh` built:
# copy it, `make run` the tree on it (gunicorn and the worker as a user's machine runs them), run
# `bench/load.py` (8 clients, 20 s after 3 s of warm-up and the worker's backlog), stop, drop the copy.
#
#   bench/mix.sh [TREE] [-- load.py arguments]     # TREE: a checkout with `make setup` done (default: this one)
#   BENCH_SNAPSHOT=zhifa_qsnap BENCH_PORT=8201 PGSET="jit = off" bench/mix.sh /path/to/other/tree
#
# Alternate two trees run for run to compare them: the host's speed drifts within minutes (load.py
# prints it). The writes are the demo's: leads registered by officer1 in 海州市城市管理局 (power item
# CF-DL-001) and filed by its approver with two officers whose enforcement credentials are valid today,
# all looked up in the copy. PGSET sets a PostgreSQL parameter on the copy (an experiment).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
TREE=$HERE
if [ $# -gt 0 ] && [ "$1" != "--" ]; then TREE=$(cd "$1" && pwd); shift; fi
[ "${1:-}" = "--" ] && shift
SNAP=${BENCH_SNAPSHOT:-zhifa_qsnap}
PORT=${BENCH_PORT:-8201}
DB=zhifa_mix_$PORT
PG=postgres://postgres@127.0.0.1:5432
sql() { psql -q -X -h 127.0.0.1 -U postgres "$@"; }

sql -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB TEMPLATE $SNAP" postgres
[ -n "${PGSET:-}" ] && sql -c "ALTER DATABASE $DB SET $PGSET" postgres
agency=$(sql -Atc "SELECT id FROM org_orgnode WHERE name = '海州市城市管理局'" "$DB")
item=$(sql -Atc "SELECT id FROM powers_poweritem WHERE code = 'CF-DL-001' AND agency_id = $agency" "$DB")
officers=$(sql -Atc "SELECT string_agg(id::text, ',') FROM (SELECT o.id FROM officers_officer o
  WHERE o.agency_id = $agency AND o.is_active AND EXISTS (SELECT 1 FROM officers_credential c
  WHERE c.officer_id = o.id AND c.kind = 'enforcement' AND c.status = 'valid' AND c.issued_on <= current_date
  AND c.expires_on > current_date + 7 AND c.review_due_on > current_date + 7) ORDER BY o.id LIMIT 2) t" "$DB")

VAR=$(mktemp -d /tmp/zhifa-mix.XXXXXX)
cleanup() {
  [ -f "$VAR/supervisord.pid" ] && kill "$(cat "$VAR/supervisord.pid")" 2>/dev/null || true
  wait || true
  sql -c "DROP DATABASE IF EXISTS $DB" postgres || true
  rm -rf "$VAR"
}
trap cleanup EXIT
(cd "$TREE" && DATABASE_URL=$PG/$DB ZHIFA_VAR_DIR=$VAR exec make run ZHIFA_PORT="$PORT") >"$VAR/run.log" 2>&1 &
until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
  kill -0 $! 2>/dev/null || { tail -20 "$VAR/run.log"; exit 1; }
  sleep 1
done
"$HERE/.venv/bin/python" "$HERE/bench/load.py" --base "http://127.0.0.1:$PORT" --clients 8 --seconds 20 --warmup 3 \
  --server-pid "$(cat "$VAR/supervisord.pid")" --pg-database "$DB" \
  --events-user officer1 --events-approver approver --events-agency "$agency" \
  --events-power-item "$item" --file-officers "$officers" "$@"
