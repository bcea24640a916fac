#!/usr/bin/env bash
# Installs everything Squad Console needs to build, run and test, from the distribution's
# packages. Idempotent: when every package is already installed it does no apt work at all.
#
#   scripts/install-deps.sh            install what is missing (Debian 12 / Ubuntu 24.04)
#   SQUAD_SKIP_DEPS=1 scripts/...      skip this step (dependencies installed some other way)
#
# On other systems it prints the equivalent package lists and exits non-zero.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

if [[ "${SQUAD_SKIP_DEPS:-0}" == 1 ]]; then
    log "Skipping dependency installation (SQUAD_SKIP_DEPS=1)"
    exit 0
fi

# Debian 12 (bookworm) names; Ubuntu 24.04 (noble) uses the same ones.
APT_PACKAGES=(
    # toolchain
    build-essential cmake ninja-build ccache pkg-config
    # Qt 6 (Widgets, Sql, Charts, Svg) and the plugins loaded at run time
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev
    libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 qt6-qpa-plugins libgl-dev
    # libraries
    qtkeychain-qt6-dev libsecret-1-0 libgit2-dev libexpected-dev libssl-dev libjwt-dev
    # test services: PostgreSQL, a headless keychain, a virtual display
    postgresql gnome-keyring dbus dbus-x11 libsecret-tools xvfb xauth
    # tools used by tests, packaging checks and screenshots; the packages' build (cpack: DEB's
    # dpkg-shlibdeps, RPM's rpmbuild)
    imagemagick sqlite3 git desktop-file-utils appstream fonts-dejavu-core dpkg-dev rpm
    # the packaging check reads the CI workflow (YAML)
    python3 python3-yaml
    # the reference of bench_e2b
    curl
)

print_other_platforms() {
    cat <<'EOF'
Automatic installation supports Debian 12 and Ubuntu 24.04 (apt). Elsewhere, install the
equivalent packages yourself (names below are best-effort and untested), then re-run with
SQUAD_SKIP_DEPS=1, e.g.  SQUAD_SKIP_DEPS=1 scripts/test.sh

Fedora (dnf install):
  gcc-c++ make cmake ninja-build ccache pkgconf-pkg-config
  qt6-qtbase-devel qt6-qtbase-private-devel qt6-qtcharts-devel qt6-qtsvg-devel
  qt6-qtbase-postgresql qtkeychain-qt6-devel libsecret libgit2-devel expected-devel
  openssl-devel libjwt-devel mesa-libGL-devel postgresql-server postgresql
  gnome-keyring dbus-daemon dbus-x11 xorg-x11-server-Xvfb xorg-x11-xauth
  ImageMagick sqlite git desktop-file-utils appstream dejavu-sans-fonts rpm-build

Arch Linux (pacman -S --needed):
  base-devel cmake ninja ccache pkgconf qt6-base qt6-charts qt6-svg postgresql-libs
  qtkeychain-qt6 libsecret libgit2 tl-expected openssl libjwt libglvnd postgresql
  gnome-keyring dbus xorg-server-xvfb xorg-xauth imagemagick sqlite git
  desktop-file-utils appstream ttf-dejavu

macOS (brew install; the keychain is the system one, no Xvfb needed):
  cmake ninja ccache pkgconf qt qtkeychain libgit2 tl-expected openssl@3 libjwt
  postgresql@15 sqlite git imagemagick
EOF
}

# --- which system is this? ------------------------------------------------------------------
os_id="" os_like=""
if [[ "$(uname -s)" == Darwin ]]; then
    os_id=macos
elif [[ -r /etc/os-release ]]; then
    # shellcheck disable=SC1091
    os_id="$(. /etc/os-release && printf '%s' "${ID:-}")"
    # shellcheck disable=SC1091
    os_like="$(. /etc/os-release && printf '%s' "${ID_LIKE:-}")"
fi

case " $os_id $os_like " in
    *" debian "* | *" ubuntu "*) ;;
    *)
        printf 'error: unsupported system "%s" for automatic installation.\n\n' "${os_id:-unknown}" >&2
        print_other_platforms >&2
        exit 1
        ;;
esac
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    die "dpkg-query/apt-get not found on this ${os_id} system"
fi

# --- what is missing? ---------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    log "All ${#APT_PACKAGES[@]} required packages are already installed"
    exit 0
fi

# --- install it ---------------------------------------------------------------------------
as_root=()
if ((EUID != 0)); then
    command -v sudo >/dev/null \
        || die "not root and sudo is not installed; as root run: apt-get install ${missing[*]}"
    if [[ -t 0 ]]; then as_root=(sudo); else as_root=(sudo -n); fi
fi
apt_env=(env DEBIAN_FRONTEND=noninteractive)
apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)

log "Installing ${#missing[@]} missing package(s): ${missing[*]}"
log "Updating the apt package lists"
if ! "${as_root[@]}" "${apt_env[@]}" apt-get "${apt_opts[@]}" update; then
    printf 'warning: apt-get update reported errors; trying the install anyway\n' >&2
fi

# Report names this archive does not have before apt fails on them with a terser message.
unknown=()
for pkg in "${missing[@]}"; do
    candidate="$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    [[ -n "$candidate" && "$candidate" != "(none)" ]] || unknown+=("$pkg")
done
if ((${#unknown[@]} > 0)); then
    archive="the main archive"
    [[ $os_id == ubuntu ]] && archive='the "main" and "universe" components'
    die "no installable candidate for: ${unknown[*]} (is ${archive} enabled in the apt sources?)"
fi

log "Installing packages"
"${as_root[@]}" "${apt_env[@]}" apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed (see above)"
log "Dependencies installed"
