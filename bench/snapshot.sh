#!/usr/bin/env bash
# The database `bench/mix.sh` copies for every run of the load mix (issue 22, item 8): a million cases
# with their users and published decisions (`bench/cases.py --publish`), then the demo seeded over them
# by `make run` itself (its city, personas and cases beside the bench's 40 agencies), the worker's
# backlog drained (the demo's 文书 and the centre's sweep over the million), and VACUUM ANALYZE.
#
#   bench/snapshot.sh [SNAPSHOT]      # default zhifa_qsnap; about 7 + 5–20 minutes on 2 cores
#
# The million cases are built once into $BENCH_BASE_DB (default zhifa_bench1m, kept with its SQLite
# twin under $BENCH_DATA_DIR by `--reuse`) and copied; run it again to rebuild the snapshot only.
# PostgreSQL on 127.0.0.1:5432 with trust authentication, as on the CI machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SNAP=${1:-zhifa_qsnap}
BASE=${BENCH_BASE_DB:-zhifa_bench1m}
DATA=${BENCH_DATA_DIR:-$PWD/var/benchdata}
PG=postgres://postgres@127.0.0.1:5432
PORT=${BENCH_PORT:-8190}
sql() { psql -q -X -h 127.0.0.1 -U postgres "$@"; }

if [ "$(sql -Atc "SELECT count(*) FROM pg_database WHERE datname = '$BASE'" postgres)" = 0 ]; then
  mkdir -p "$DATA"
  PYTHONPATH=src .venv/bin/python bench/cases.py --db postgres --reuse "$DATA" --publish \
    --pg-url "$PG/$BASE" --rounds 3 --registrations 50
fi
sql -c "DROP DATABASE IF EXISTS $SNAP" -c "CREATE DATABASE $SNAP TEMPLATE $BASE" postgres

VAR=$(mktemp -d /tmp/zhifa-snapshot.XXXXXX)
echo "make run on $SNAP (log: $VAR/run.log) ..."
DATABASE_URL=$PG/$SNAP ZHIFA_VAR_DIR=$VAR make run ZHIFA_PORT="$PORT" >"$VAR/run.log" 2>&1 &
until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
  kill -0 $! 2>/dev/null || { tail -20 "$VAR/run.log"; exit 1; }
  sleep 2
done
echo "serving; waiting for the worker's backlog ..."
while [ "$(sql -Atc "SELECT count(*) FROM core_queuedtask WHERE state IN ('pending', 'running')" "$SNAP")" != 0 ]; do
  sleep 10
done
kill "$(cat "$VAR/supervisord.pid")"
wait || true
sql -c "VACUUM ANALYZE" "$SNAP"
echo "$SNAP is ready (bench/mix.sh looks up the demo's ids in each copy)."
rm -rf "$VAR"
