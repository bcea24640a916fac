#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest: offscreen Qt,
# inside a private D-Bus session with a throw-away unlocked keyring (keyring-session.sh).
# The tests labelled "postgres" get a throw-away PostgreSQL server from the ctest fixture
# (postgres-fixture.sh). Arguments go to ctest:
#
#   scripts/test.sh                 everything
#   scripts/test.sh -L unit         only the tests labelled unit
#   scripts/test.sh -R tst_store    only the tests matching a regex
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"

log() { printf '==> %s\n' "$*"; }

BUILD_DIR="${SQUAD_BUILD_DIR:-build}"
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
FIXTURE_DIR="$BUILD_DIR/postgres-fixture"   # = tests/CMakeLists.txt's postgres_start dir

scripts/install-deps.sh
scripts/build.sh

# Whatever happens to ctest (failure, Ctrl-C, a kill), leave no PostgreSQL server behind.
# shellcheck disable=SC2317  # runs from the traps
stop_fixture() {
    if [[ -d "$FIXTURE_DIR" ]]; then
        scripts/postgres-fixture.sh stop "$FIXTURE_DIR" >/dev/null 2>&1 || true
    fi
}
trap stop_fixture EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

export QT_QPA_PLATFORM=offscreen
log "Running the tests${*:+ (ctest $*)}"
start=$SECONDS
status=0
scripts/keyring-session.sh \
    ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j2 --timeout 600 "$@" \
    || status=$?

elapsed=$((SECONDS - start))
if ((status == 0)); then
    log "Tests passed (${elapsed}s)"
else
    log "Tests FAILED: ctest exit code $status (${elapsed}s); failing output is above, full logs in $BUILD_DIR/Testing/Temporary/LastTest.log"
fi
exit "$status"
