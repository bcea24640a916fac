#!/usr/bin/env bash
# Configures (once) and builds Squad Console with CMake + Ninja (+ ccache when installed).
#
#   scripts/build.sh [extra cmake --build args, e.g. --target squadctl]
#
# Environment:
#   SQUAD_BUILD_DIR   build directory (default: build, relative to the repository root)
#   SQUAD_BUILD_TYPE  CMAKE_BUILD_TYPE (default: RelWithDebInfo)
#   SQUAD_CMAKE_ARGS  extra arguments for the configure step (forces a re-configure)
#   SQUAD_JOBS        parallel build jobs (default: Ninja's own choice)
#   CCACHE_DIR        compiler cache (default: ${XDG_CACHE_HOME:-$HOME/.cache}/ccache)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

BUILD_DIR="${SQUAD_BUILD_DIR:-build}"
BUILD_TYPE="${SQUAD_BUILD_TYPE:-RelWithDebInfo}"

command -v cmake >/dev/null || die "cmake not found: run scripts/install-deps.sh"
command -v ninja >/dev/null || die "ninja not found: run scripts/install-deps.sh"

# ccache: keep the cache in the user's cache folder, and hash paths relative to the checkout
# so that a second clone of the repository (CI's fresh clone) reuses the same cache entries.
export CCACHE_DIR="${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"

cache_value() { # cache_value VAR -> value of VAR in the build dir's CMakeCache.txt
    sed -n "s/^$1:[A-Z]*=//p" "$BUILD_DIR/CMakeCache.txt" 2>/dev/null | head -n1
}

# --- configure only when needed (Ninja re-runs CMake by itself when a CMakeLists changes) ----
reason=""
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    reason="new build directory $BUILD_DIR"
else
    generator="$(cache_value CMAKE_GENERATOR)"
    [[ "$generator" == Ninja ]] \
        || die "$BUILD_DIR was configured with \"$generator\", not Ninja: remove it or set SQUAD_BUILD_DIR"
    home="$(cache_value CMAKE_HOME_DIRECTORY)"
    if [[ "$(cd "$home" 2>/dev/null && pwd -P)" != "$ROOT" ]]; then
        log "$BUILD_DIR belongs to another checkout ($home): starting it afresh"
        rm -rf "${BUILD_DIR:?}/CMakeCache.txt" "${BUILD_DIR:?}/CMakeFiles"
        reason="build directory moved"
    elif [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
        reason="the previous configure did not finish"
    elif [[ "$(cache_value CMAKE_BUILD_TYPE)" != "$BUILD_TYPE" ]]; then
        reason="build type changed to $BUILD_TYPE"
    elif [[ -n "${SQUAD_CMAKE_ARGS:-}" ]]; then
        reason="SQUAD_CMAKE_ARGS given"
    fi
fi

if [[ -n "$reason" ]]; then
    log "Configuring ($reason)"
    # shellcheck disable=SC2086  # SQUAD_CMAKE_ARGS is a list of words on purpose
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${SQUAD_CMAKE_ARGS:-} \
        || die "configure failed (see above); missing packages? run scripts/install-deps.sh"
fi

# --- build -----------------------------------------------------------------------------------
build_args=(--build "$BUILD_DIR")
[[ -n "${SQUAD_JOBS:-}" ]] && build_args+=(--parallel "$SQUAD_JOBS")
log "Building in $BUILD_DIR ($BUILD_TYPE)"
start=$SECONDS
cmake "${build_args[@]}" "$@" || die "build failed (see above)"
log "Build finished in $((SECONDS - start))s"
