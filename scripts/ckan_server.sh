#!/usr/bin/env bash
# Usage: scripts/ckan_server.sh start|stop
# Runs, in the background for `make serve`: `ckan run`; a `ckan jobs worker`
# (large uploads and harvested tables are checked there; var/log/jobs.log);
# the municipal portal simulator the demo harvest sources read
# (127.0.0.1:8770; var/log/simulator.log); ckanext-harvest's gather and fetch
# consumers and our harvest scheduler (var/log/harvest.log). `make stop`
# stops exactly that process group (pid in var/run/ckan.pid), nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

URL=http://127.0.0.1:5000
PIDFILE=var/run/ckan.pid
LOG=var/log/ckan.log

answering() { curl -fsS -o /dev/null --max-time 5 "$URL/api/3/action/status_show" 2>/dev/null; }

our_pid() {  # the pid in the pid file, if that process is alive and is our CKAN
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "ckan.ini run" || return 1
    echo "$pid"
}

wait_answering() {  # wait_answering <pid>: up to 3 minutes, while it lives
    for _ in $(seq 180); do
        answering && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 1
    done
    return 1
}

welcome() {
    echo
    echo "CKAN: $URL"
    .venv/bin/ckan -c ckan.ini shafaf logins 2>/dev/null
    echo "log: $LOG"
    echo "stop it with: make stop"
}

start() {
    local pid
    mkdir -p var/run var/log var/storage
    if pid=$(our_pid); then
        wait_answering "$pid" || { echo "CKAN (pid $pid) runs but does not answer; see $LOG" >&2; exit 1; }
        echo "CKAN is already running (pid $pid)."
        welcome
        return
    fi
    if answering; then
        echo "Something not started by 'make serve' already answers on $URL; stop it first." >&2
        exit 1
    fi
    echo "Starting CKAN on $URL (log: $LOG)"
    # setsid: a process group of its own, so `stop` can end it and its children.
    setsid bash -c 'echo $$ >"$0"
        .venv/bin/python -m ckanext.shafaf.simulator --port 8770 >>var/log/simulator.log 2>&1 </dev/null &
        .venv/bin/ckan -c ckan.ini jobs worker >>var/log/jobs.log 2>&1 </dev/null &
        .venv/bin/ckan -c ckan.ini harvester gather-consumer >>var/log/harvest.log 2>&1 </dev/null &
        .venv/bin/ckan -c ckan.ini harvester fetch-consumer >>var/log/harvest.log 2>&1 </dev/null &
        .venv/bin/ckan -c ckan.ini shafaf harvest-scheduler >>var/log/harvest.log 2>&1 </dev/null &
        exec .venv/bin/ckan -c ckan.ini run -H 127.0.0.1 -p 5000 -r -t' \
        "$PIDFILE" >>"$LOG" 2>&1 </dev/null &
    sleep 1
    pid=$(cat "$PIDFILE")
    if ! wait_answering "$pid"; then
        echo "CKAN did not start; last lines of $LOG:" >&2
        tail -n 30 "$LOG" >&2
        stop >/dev/null
        exit 1
    fi
    welcome
}

stop() {
    local pid
    if ! pid=$(our_pid); then
        rm -f "$PIDFILE"
        echo "CKAN is not running."
        return
    fi
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    echo "CKAN stopped (pid $pid)."
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
