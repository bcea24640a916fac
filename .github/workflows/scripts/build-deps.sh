#!/usr/bin/env bash
# CI (Windows and macOS): builds the two libraries that do not come from vcpkg, against the Qt
# that install-qt-action installed ($QT_ROOT_DIR) and the vcpkg packages:
#   - QtKeychain: vcpkg's qtkeychain-qt6 port depends on vcpkg's own Qt, a second, hours-long
#     Qt build; built here against the installer's Qt instead.
#   - libjwt 1.x: the project uses the 1.x API (jwt_new, jwt_add_grant, ...), which 3.x removed;
#     vcpkg has no libjwt port.
#
#   build-deps.sh <install-prefix> <vcpkg-installed-triplet-dir>
#
# Versions: QTKEYCHAIN_VERSION and LIBJWT_VERSION (git tags) from the workflow's env.
set -euo pipefail

prefix="${1:?usage: build-deps.sh <install-prefix> <vcpkg-installed-triplet-dir>}"
vcpkg_dir="${2:?usage: build-deps.sh <install-prefix> <vcpkg-installed-triplet-dir>}"
: "${QT_ROOT_DIR:?QT_ROOT_DIR not set (install-qt-action sets it)}"
: "${QTKEYCHAIN_VERSION:?}" "${LIBJWT_VERSION:?}"
build_type="${CMAKE_BUILD_TYPE:-RelWithDebInfo}"
src="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/deps-src"
mkdir -p "$src"

build() { # build NAME REPO TAG [cmake args]
    local name="$1" repo="$2" tag="$3"; shift 3
    echo "==> $name $tag"
    rm -rf "${src:?}/$name"
    git clone --quiet --depth 1 --branch "$tag" "$repo" "$src/$name"
    cmake -S "$src/$name" -B "$src/$name/build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DBUILD_SHARED_LIBS=ON "$@"
    cmake --build "$src/$name/build"
    cmake --install "$src/$name/build"
}

build qtkeychain https://github.com/frankosterfeld/qtkeychain "$QTKEYCHAIN_VERSION" \
    -DBUILD_WITH_QT6=ON -DBUILD_TRANSLATIONS=OFF -DBUILD_TEST_APPLICATION=OFF \
    -DCMAKE_PREFIX_PATH="$QT_ROOT_DIR"

build libjwt https://github.com/benmcollins/libjwt "$LIBJWT_VERSION" \
    -DCMAKE_PREFIX_PATH="$vcpkg_dir" -DOPENSSL_ROOT_DIR="$vcpkg_dir"

# The project finds libjwt with pkg-config: check its .pc arrived, to fail here and not later.
ls "$prefix"/lib/pkgconfig/libjwt.pc >/dev/null \
    || { echo "error: libjwt.pc not installed under $prefix/lib/pkgconfig" >&2; exit 1; }
