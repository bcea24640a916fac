#!/usr/bin/env bash
# Installs what is missing, builds, and starts the Squad Console GUI on its embedded default
# (SQLite in the app-data folder + local sandboxes). Arguments go to squad-console.
#
#   scripts/run.sh [squad-console args]
#
# With no display (no DISPLAY / WAYLAND_DISPLAY) the console runs on a virtual X display
# (Xvfb). Then:
#   SQUAD_SCREENSHOT=shot.png scripts/run.sh    saves a screenshot after SQUAD_SCREENSHOT_DELAY
#                                               seconds (default 5) and closes the console.
set -euo pipefail

# Where the GUI binary lands, relative to the build directory.
APP_BIN_REL="app/console/squad-console"

# The console itself runs in the caller's directory, so relative paths in its arguments work.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

BUILD_DIR="${SQUAD_BUILD_DIR:-build}"   # relative to the repository root, as in build.sh
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh"

app="$BUILD_DIR/$APP_BIN_REL"
[[ -x "$app" ]] || die "$app was not built (is the squad-console target defined?)"

if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
    if [[ -n "${SQUAD_SCREENSHOT:-}" ]]; then
        printf 'note: SQUAD_SCREENSHOT is only used on the virtual display (no DISPLAY); ignored\n' >&2
    fi
    log "Starting $app"
    exec "$app" "$@"
fi

if [[ -n "${SQUAD_SCREENSHOT:-}" && "$SQUAD_SCREENSHOT" != /* ]]; then
    SQUAD_SCREENSHOT="$PWD/$SQUAD_SCREENSHOT"
fi
export SQUAD_SCREENSHOT

command -v xvfb-run >/dev/null || die "no display and xvfb-run not found: run scripts/install-deps.sh"
cat <<EOF
note: no DISPLAY or WAYLAND_DISPLAY: starting the console on a virtual X display (Xvfb);
      nothing appears on screen. The display and its XAUTHORITY file are printed below; take a
      screenshot from another shell with
        DISPLAY=<display> XAUTHORITY=<file> import -window root shot.png
      or start with SQUAD_SCREENSHOT=shot.png to save one and close the console.
EOF

# shellcheck disable=SC2016  # expanded by the inner shell, under Xvfb
inner='
    printf "==> Virtual display: DISPLAY=%s XAUTHORITY=%s\n" "$DISPLAY" "${XAUTHORITY:-}"
    if [ -z "${SQUAD_SCREENSHOT:-}" ]; then
        exec "$@"
    fi
    "$@" &
    app_pid=$!
    sleep "${SQUAD_SCREENSHOT_DELAY:-5}"
    if ! kill -0 "$app_pid" 2>/dev/null; then
        wait "$app_pid"; status=$?
        echo "error: the console exited (status $status) before the screenshot" >&2
        exit 1
    fi
    status=0
    if import -window root "$SQUAD_SCREENSHOT"; then
        echo "==> Screenshot saved to $SQUAD_SCREENSHOT"
    else
        echo "error: screenshot failed" >&2; status=1
    fi
    kill "$app_pid" 2>/dev/null
    wait "$app_pid" 2>/dev/null
    exit $status
'
log "Starting $app under xvfb-run"
exec xvfb-run -a -s "-screen 0 1600x1000x24" sh -c "$inner" sh "$app" "$@"
