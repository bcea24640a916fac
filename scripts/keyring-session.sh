#!/usr/bin/env bash
# shellcheck disable=SC2317  # the cleanup functions run from the EXIT trap
# Runs a command inside a private D-Bus session bus with a throw-away, unlocked gnome-keyring
# (the freedesktop Secret Service that QtKeychain uses through libsecret), then removes it.
#
#   scripts/keyring-session.sh CMD [ARGS...]      exits with CMD's exit code
#
# Only keyring-related environment changes: HOME, XDG_DATA_HOME and XDG_RUNTIME_DIR point at
# temporary directories (so nothing touches the real keyrings), DBUS_SESSION_BUS_ADDRESS names
# the private bus. The working directory stays. The real home is kept in SQUAD_REAL_HOME and
# CCACHE_DIR keeps pointing at the real compiler cache.
#
# Recipe and its traps: shared/research/aesthetics.md section 6 (the password must be
# non-empty or the daemon wants a GUI prompt; XDG_RUNTIME_DIR must exist, mode 0700, before
# dbus-run-session starts).
set -euo pipefail

die() { printf 'error: keyring-session: %s\n' "$*" >&2; exit 1; }

(($# > 0)) || { printf 'usage: %s CMD [ARGS...]\n' "$0" >&2; exit 2; }
for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-deps.sh"
done

export SQUAD_REAL_HOME="${SQUAD_REAL_HOME:-$HOME}"
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/squad-keyring.XXXXXX")"
# gnome-keyring-daemon forks into the background and does not always exit with the bus (it
# outlives commands that finish quickly), so end the ones started here: the processes named
# gnome-keyring-d whose environment holds this session's own XDG_RUNTIME_DIR.
stop_own_daemons() {
    local dir environ
    for dir in /proc/[0-9]*; do
        [[ "$(cat "$dir/comm" 2>/dev/null)" == gnome-keyring-d ]] || continue
        environ="$(tr '\0' '\n' 2>/dev/null <"$dir/environ")" || continue
        if [[ $'\n'"$environ"$'\n' == *$'\n'"XDG_RUNTIME_DIR=$tmp/runtime"$'\n'* ]]; then
            kill "${dir#/proc/}" 2>/dev/null || true
        fi
    done
}
cleanup() {
    stop_own_daemons
    rm -rf -- "$tmp"
}
trap cleanup EXIT
mkdir -m 0700 "$tmp/home" "$tmp/data" "$tmp/runtime"

export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime"
# Never talk to a keyring or bus of the surrounding session.
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL GNOME_KEYRING_PID

status=0
# shellcheck disable=SC2016  # expanded by the inner shell, inside the private session
dbus-run-session -- sh -c '
    if ! printf %s ci-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null; then
        echo "warning: keyring-session: gnome-keyring-daemon did not start; keychain tests will fail" >&2
    fi
    exec "$@"
' sh "$@" || status=$?
exit "$status"
