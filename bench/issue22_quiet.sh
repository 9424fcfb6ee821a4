#!/bin/bash
# Every target of issue 22 in one run (docs/benchmarks.md, "Issue 22 on a quiet machine"): migrate the
# database, start the server exactly as `make run` does (supervisord, gunicorn gthread, the worker; no
# demo seeding), then bench/load.py one kind at a time and the whole mix, bench/events_scale.py and
# bench/cases.py --reuse. The database: a COPY of the one `bench/cases.py --db postgres --reuse DIR
# --publish` prepared (it writes registrations and events into it). The whole mix files with officers
# 1 and 2 and power item 1 (bench/events_scale.py adds the second officer on its first run).
# usage: bench/issue22_quiet.sh <checkout> <database name> <port> <output dir> [seconds per run]
set -u
CO=$1; DB=$2; PORT=$3; OUT=$4; SECS=${5:-20}
mkdir -p $OUT
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB ZHIFA_ROOT=$CO ZHIFA_VAR_DIR=$OUT/var PYTHONPATH=$CO/src
export PYTHONPYCACHEPREFIX=$OUT/var/pycache
mkdir -p $ZHIFA_VAR_DIR/log
cd $CO
PY=$CO/.venv/bin/python
{ echo "== $(date -u +%H:%M:%S) migrate"; time $PY manage.py migrate --noinput -v0; } >> $OUT/setup.log 2>&1
ZHIFA_STATIC_MANIFEST=1 $PY manage.py collectstatic --noinput -v0 >> $OUT/setup.log 2>&1
ZHIFA_BIND=127.0.0.1:$PORT $CO/.venv/bin/supervisord -n -c deploy/embedded/supervisord.conf > $OUT/supervisord.out 2>&1 &
SUP=$!
for i in $(seq 60); do curl -s -o /dev/null http://127.0.0.1:$PORT/ && break; sleep 1; done
L() { $PY bench/load.py --base http://127.0.0.1:$PORT --seconds $SECS --warmup 3 "$@"; }
{
echo "== $(date -u +%H:%M:%S) load $(cat /proc/loadavg)"
echo "### item 2: supervisor's first list page, 1 client"; L --clients 1 --procs 1 --mix "$(echo officer_list_api=0,officer_list_page=0,case_page=0,case_api=0,search_api=0,search_page=0,supervisor_dashboard=0,supervisor_home=0,register=0,file=0,portal_list=0,portal_decision=0,portal_home=0,supervisor_list_api=1)"
echo "### item 2: 8 clients"; L --clients 8 --mix "officer_list_api=0,officer_list_page=0,case_page=0,case_api=0,search_api=0,search_page=0,supervisor_dashboard=0,supervisor_home=0,register=0,file=0,portal_list=0,portal_decision=0,portal_home=0,supervisor_list_api=1"
echo "### item 3: one case API, 1 client"; L --clients 1 --procs 1 --mix "officer_list_api=0,officer_list_page=0,case_page=0,search_api=0,search_page=0,supervisor_dashboard=0,supervisor_home=0,supervisor_list_api=0,register=0,file=0,portal_list=0,portal_decision=0,portal_home=0,case_api=1"
echo "### item 3: 8 clients"; L --clients 8 --mix "officer_list_api=0,officer_list_page=0,case_page=0,search_api=0,search_page=0,supervisor_dashboard=0,supervisor_home=0,supervisor_list_api=0,register=0,file=0,portal_list=0,portal_decision=0,portal_home=0,case_api=1"
echo "### item 5: portal uncached, 8 clients"; L --clients 8 --mix "officer_list_api=0,officer_list_page=0,case_page=0,case_api=0,search_api=0,search_page=0,supervisor_dashboard=0,supervisor_home=0,supervisor_list_api=0,register=0,file=0,portal_home=0,portal_list=1,portal_decision=1"
echo "### item 8: the whole mix, 8 clients (the public side uncached: every visitor with a session)"
L --clients 8 --file-officers 1,2 --events-power-item 1 --server-pid $SUP --pg-database $DB
echo "### item 8: the whole mix, 8 clients, the public side as anonymous visitors (the portal's page cache)"
L --clients 8 --file-officers 1,2 --events-power-item 1 --server-pid $SUP --pg-database $DB --public-cached
echo "== $(date -u +%H:%M:%S) load $(cat /proc/loadavg)"
} > $OUT/load.txt 2>&1
kill $SUP; wait $SUP 2>/dev/null
{
echo "### item 1: events at a million (in process)"; $PY bench/events_scale.py --n 40
echo "== $(date -u +%H:%M:%S) load $(cat /proc/loadavg)"
} > $OUT/events.txt 2>&1
mkdir -p $OUT/reuse && cp -r "${BENCH_REUSE_DIR:-/work/benchdata}/postgres" $OUT/reuse/ 2>/dev/null
{
echo "### items 2-4, 6: bench/cases.py in process (lists, one case, search, overdue; registration 1 and 4 processes)"
$PY bench/cases.py --db postgres --reuse $OUT/reuse --pg-url $DATABASE_URL --rounds 20 --registrations 200 --register-procs 4 \
  --only list_api_all,list_api_agency_state,list_page_agency_state,detail_api,search_api,search_api_all,search_api_name,overdue_api,register
echo "== $(date -u +%H:%M:%S) load $(cat /proc/loadavg)"
} > $OUT/cases.txt 2>&1
echo done
