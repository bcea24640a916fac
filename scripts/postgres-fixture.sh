#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the tests labelled "postgres".
#
#   scripts/postgres-fixture.sh start STATE_DIR   start one; its URL is written to STATE_DIR/url
#   scripts/postgres-fixture.sh stop  STATE_DIR   stop it and remove STATE_DIR
#
# ctest runs these as the fixture tests postgres_start / postgres_stop (tests/CMakeLists.txt);
# they work by hand too. The server trusts the role "squad" on 127.0.0.1 only, with fsync off:
# for tests, never for data. Tests create their own databases (CREATE DATABASE).
#
# PostgreSQL refuses to run as root, so as root the server runs as the "postgres" system user.
# Its data directory is STATE_DIR/run when that user can reach it, otherwise a private
# directory under ${TMPDIR:-/tmp} (e.g. a checkout under /root); STATE_DIR/rundir names it.
set -euo pipefail

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: postgres-fixture: %s\n' "$*" >&2; exit 1; }
usage() { printf 'usage: %s start|stop STATE_DIR\n' "$0" >&2; exit 2; }

(($# == 2)) || usage
action="$1"
[[ -n "$2" ]] || usage
state="$2"
[[ "$state" == /* ]] || state="$PWD/$state"
state="${state%/}"
[[ "$state" != "" && "$state" != / ]] || die "refusing to use / as STATE_DIR"

# --- the server binaries: Debian's /usr/lib/postgresql/<version>/bin, the highest version ----
find_bindir() {
    local dir best
    best="$(for dir in /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then printf '%s\n' "$dir"; fi
    done | sort -V | tail -n1)"
    if [[ -z "$best" ]] && command -v pg_config >/dev/null; then
        dir="$(pg_config --bindir)"
        if [[ -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then best="$dir"; fi
    fi
    if [[ -z "$best" ]] && command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        best="$(dirname "$(command -v pg_ctl)")"
    fi
    [[ -n "$best" ]] && printf '%s\n' "$best"
}
BIN="$(find_bindir)" \
    || die "PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/install-deps.sh"

# --- run as the right user -------------------------------------------------------------------
PG_USER=""
if ((EUID == 0)); then
    PG_USER=postgres
    id -u "$PG_USER" >/dev/null 2>&1 \
        || die "running as root, but there is no \"$PG_USER\" system user to run the server: run scripts/install-deps.sh"
fi

as_pg() { # run a command as the server's user, from a directory that user can enter
    if [[ -n "$PG_USER" ]]; then
        if command -v runuser >/dev/null; then
            (cd / && runuser -u "$PG_USER" -- "$@")
        else
            # shellcheck disable=SC2016  # expanded by the user's shell
            (cd / && su -s /bin/sh -c 'exec "$0" "$@"' "$PG_USER" "$@")
        fi
    else
        "$@"
    fi
}

# --- stop whatever a previous run left in STATE_DIR ------------------------------------------
rundir_of_state() {
    local dir
    if [[ -f "$state/rundir" ]]; then
        dir="$(head -n1 "$state/rundir")"
        # only ever a directory this script made
        case "$dir" in
            "$state/run" | /*/squad-pg.*) printf '%s\n' "$dir" ;;
        esac
    elif [[ -d "$state/run" ]]; then
        printf '%s\n' "$state/run"
    fi
}

stop_server() { # stop_server RUNDIR: stop the server there (if any) and delete RUNDIR
    local rundir="$1"
    [[ -n "$rundir" && -d "$rundir" ]] || return 0
    if [[ -f "$rundir/data/postmaster.pid" ]]; then
        if ! as_pg "$BIN/pg_ctl" -D "$rundir/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
            as_pg "$BIN/pg_ctl" -D "$rundir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        fi
    fi
    rm -rf -- "$rundir"
}

stop_previous() {
    [[ -d "$state" ]] || return 0
    local rundir
    rundir="$(rundir_of_state)"
    if [[ -n "$rundir" && -f "$rundir/data/postmaster.pid" ]]; then
        log "Stopping the server left running in $state"
    fi
    stop_server "$rundir"
    rm -rf -- "$state"
}

if [[ "$action" == stop ]]; then
    if [[ ! -d "$state" ]]; then
        log "No PostgreSQL fixture in $state: nothing to stop"
        exit 0
    fi
    stop_previous
    log "PostgreSQL fixture stopped; $state removed"
    exit 0
fi
[[ "$action" == start ]] || usage

# --- start -----------------------------------------------------------------------------------
stop_previous
mkdir -p "$state"

# A Unix socket path is limited to ~107 bytes, including "/.s.PGSQL.NNNNN".
can_host() { # can_host DIR: the server's user can use DIR, and the socket path fits
    local dir="$1"
    ((${#dir} <= 85)) || return 1
    if [[ -n "$PG_USER" ]]; then
        chown "$PG_USER:" "$dir" || return 1
        as_pg test -w "$dir" -a -x "$dir" 2>/dev/null || return 1
    fi
    return 0
}
rundir="$state/run"
mkdir -p "$rundir"
if ! can_host "$rundir"; then
    rm -rf -- "$rundir"
    rundir="$(mktemp -d "${TMPDIR:-/tmp}/squad-pg.XXXXXX")"
    can_host "$rundir" || { rm -rf -- "$rundir"; die "no directory usable by the server's user ($rundir tried)"; }
fi
printf '%s\n' "$rundir" >"$state/rundir"

fail_with_log() { # fail_with_log MESSAGE LOGFILE
    if [[ -f "$2" ]]; then
        printf -- '--- %s (last lines) ---\n' "$2" >&2
        tail -n 20 "$2" >&2
    fi
    stop_server "$rundir"
    rm -rf -- "$state"
    die "$1"
}

log "Creating a PostgreSQL cluster with $BIN/initdb in $rundir/data"
if ! as_pg "$BIN/initdb" -D "$rundir/data" -A trust -U squad -E UTF8 --no-locale --no-sync \
    >"$rundir/initdb.log" 2>&1; then
    fail_with_log "initdb failed" "$rundir/initdb.log"
fi
cat >>"$rundir/data/postgresql.conf" <<EOF

# squad test fixture: throw-away, loopback only, durability off
listen_addresses = '127.0.0.1'
unix_socket_directories = '$rundir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
EOF

port_in_use() { # port_in_use PORT: something listens on 127.0.0.1:PORT
    if command -v ss >/dev/null; then
        [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]] && return 0
    fi
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() { # a free port below Linux's ephemeral range (32768-60999)
    local port tries
    for ((tries = 0; tries < 200; tries++)); do
        port=$((20000 + RANDOM % 12000))
        port_in_use "$port" || { printf '%s\n' "$port"; return 0; }
    done
    return 1
}

server_log="$rundir/server.log"
port=""
for ((attempt = 1; attempt <= 5; attempt++)); do
    port="$(pick_port)" || fail_with_log "no free TCP port found on 127.0.0.1" ""
    log "Starting PostgreSQL on 127.0.0.1:$port"
    rm -f -- "$server_log"
    if as_pg "$BIN/pg_ctl" -D "$rundir/data" -l "$server_log" -w -t 60 -o "-p $port" start \
        >"$rundir/pg_ctl.log" 2>&1; then
        break
    fi
    cat "$rundir/pg_ctl.log" >>"$server_log" 2>/dev/null || true
    # Another process took the port between the probe and the bind: try another one.
    if grep -qiE 'could not bind|address already in use|could not create any TCP' "$server_log" 2>/dev/null \
        && ((attempt < 5)); then
        log "Port $port was taken meanwhile; retrying"
        continue
    fi
    fail_with_log "the server did not start" "$server_log"
done

ready=0
for ((i = 0; i < 60; i++)); do
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U squad -d postgres -t 2; then
        ready=1
        break
    fi
    sleep 0.5
done
((ready)) || fail_with_log "the server does not answer on 127.0.0.1:$port" "$server_log"

url="postgresql://squad@127.0.0.1:$port/postgres"
printf '%s\n' "$url" >"$state/url.tmp"
mv "$state/url.tmp" "$state/url"
log "PostgreSQL ready: $url (written to $state/url)"
