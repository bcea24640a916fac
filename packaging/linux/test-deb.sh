#!/usr/bin/env bash
# The Linux package check (ctest packaging_deb): builds the packages from a configured and
# built tree, validates the .deb's desktop file and AppStream metainfo, installs it with apt,
# runs both installed programs, removes it and checks that none of its files are left.
#
#   packaging/linux/test-deb.sh BUILD_DIR VERSION APP_ID
#
# Installs into the system: needs root, exits 77 (skipped) without it or without dpkg/apt.
# A squad-console package installed before the test is replaced, and removed at the end.
set -euo pipefail
export LC_ALL=C

build_dir="$1" version="$2" app_id="$3"

log() { printf '==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
skip() { printf 'SKIP: %s\n' "$*"; exit 77; }

((EUID == 0)) || skip "installing the package needs root (run the tests as root, as CI does)"
if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
    skip "not a dpkg/apt system"
fi
for tool in cpack desktop-file-validate appstreamcli dpkg-shlibdeps sqlite3; do
    command -v "$tool" >/dev/null || fail "$tool not found: run scripts/install-deps.sh"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/squad-test-deb.XXXXXX")"
installed=0
cleanup() {
    if ((installed)); then
        dpkg -r squad-console >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
export DEBIAN_FRONTEND=noninteractive

# --- build ---------------------------------------------------------------------------------
generators="DEB;TGZ"
command -v rpmbuild >/dev/null && generators="DEB;TGZ;RPM"
log "cpack -G $generators"
(cd "$build_dir" && cpack -G "$generators" -B "$work/packages") >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log"; fail "cpack failed"; }

deb="$(find "$work/packages" -maxdepth 1 -name "squad-console_${version}_*.deb")"
[[ -f "$deb" ]] || { ls -l "$work/packages"; fail "no squad-console_${version}_*.deb"; }
log "built $(basename "$deb")"

field() { dpkg-deb -f "$deb" "$1"; }
[[ "$(field Package)" == squad-console ]] || fail "Package: $(field Package)"
[[ "$(field Version)" == "$version" ]] || fail "Version: $(field Version), expected $version"
depends="$(field Depends)"
alternatives="${depends//|/,}"
dep_names="$(tr ',' '\n' <<<"$alternatives" | awk '{print $1}')"
# shlibdeps found the linked libraries (Ubuntu adds t64 to some names); the pieces loaded at
# run time are there by hand.
for dep in 'libqt6core6(t64)?' 'libqt6widgets6(t64)?' 'libqt6sql6(t64)?' 'libqt6keychain1.*' \
           'libgit2-.*' qt6-qpa-plugins libqt6sql6-sqlite libqt6sql6-psql libsecret-1-0; do
    grep -qxE "$dep" <<<"$dep_names" || fail "Depends lacks $dep: $depends"
done
[[ "$(field Recommends)" == *gnome-keyring* ]] || fail "Recommends: $(field Recommends)"
for f in Maintainer Section Homepage Description; do
    [[ -n "$(field "$f")" ]] || fail "no $f field"
done
field Description | awk 'length > 80 { exit 1 }' || fail "Description has lines over 80 characters"

# --- what the package holds ------------------------------------------------------------------
mkdir "$work/root"
dpkg-deb -x "$deb" "$work/root"
(cd "$work/root" && find . -type f -o -type l | sed 's|^\.||' | sort) >"$work/contents"
expected=(
    /usr/bin/squad-console
    /usr/bin/squadctl
    "/usr/share/applications/$app_id.desktop"
    "/usr/share/metainfo/$app_id.metainfo.xml"
    "/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
    /usr/share/doc/squad-console/copyright
)
for size in 16 24 32 48 64 128 256 512; do
    expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png")
done
for path in "${expected[@]}"; do
    grep -qxF "$path" "$work/contents" || fail "the package lacks $path"
done
# Nothing else: no test, benchmark, fake server or static library.
unexpected="$(printf '%s\n' "${expected[@]}" | sort | comm -13 - "$work/contents")"
[[ -z "$unexpected" ]] || fail "the package holds more than it should: $unexpected"

log "validating the desktop file and the AppStream metainfo"
desktop-file-validate "$work/root/usr/share/applications/$app_id.desktop" \
    || fail "desktop-file-validate"
appstreamcli validate --no-net "$work/root/usr/share/metainfo/$app_id.metainfo.xml" \
    || fail "appstreamcli validate"
grep -q "<release version=\"$version\"" "$work/root/usr/share/metainfo/$app_id.metainfo.xml" \
    || fail "the metainfo has no release notes for $version"

if [[ "$generators" == *RPM* ]]; then
    rpm_file="$(find "$work/packages" -maxdepth 1 -name "squad-console-${version}-*.rpm")"
    [[ -f "$rpm_file" ]] || fail "no squad-console-${version}-*.rpm"
    [[ "$(rpm -qp --queryformat '%{VERSION}' "$rpm_file" 2>/dev/null)" == "$version" ]] \
        || fail "the RPM's version is not $version"
    rpm -qpl "$rpm_file" 2>/dev/null | grep -qx /usr/bin/squad-console \
        || fail "the RPM lacks /usr/bin/squad-console"
    # Directories of the filesystem and icon theme packages would conflict on install.
    if rpm -qpl "$rpm_file" 2>/dev/null | grep -Ex '/usr(/bin|/share|/share/icons(/hicolor)?)?'; then
        fail "the RPM claims system directories"
    fi
    log "built $(basename "$rpm_file")"
fi
tgz="$(find "$work/packages" -maxdepth 1 -name "squad-console-${version}-*.tar.gz")"
[[ -f "$tgz" ]] || fail "no squad-console-${version}-*.tar.gz"
tar -tzf "$tgz" | grep -q '/bin/squad-console$' || fail "the TGZ lacks bin/squad-console"
log "built $(basename "$tgz")"

# --- install -------------------------------------------------------------------------------
if dpkg-query -W -f='${Status}' squad-console 2>/dev/null | grep -q 'ok installed'; then
    log "squad-console $(dpkg-query -W -f='${Version}' squad-console) is installed: replacing it"
fi
log "apt-get install $(basename "$deb")"
installed=1
apt-get "${apt_opts[@]}" install -y --no-install-recommends "$deb" >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; fail "apt-get install"; }
[[ "$(dpkg-query -W -f='${Version}' squad-console)" == "$version" ]] || fail "not installed"
dpkg -L squad-console | sort >"$work/installed"

# The installed programs run on the system's Qt, not the build tree's libraries.
for program in /usr/bin/squad-console /usr/bin/squadctl; do
    [[ -x "$program" ]] || fail "$program is not installed"
    if readelf -d "$program" | grep -Eq 'RPATH|RUNPATH'; then
        fail "$program has an RPATH: $(readelf -d "$program" | grep -E 'RPATH|RUNPATH')"
    fi
done

# --version needs no display: no DISPLAY, no Wayland, no platform plugin chosen.
no_display=(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM)
out="$("${no_display[@]}" /usr/bin/squadctl --version)"
[[ "$out" == "squadctl $version" ]] || fail "squadctl --version printed \"$out\""
out="$("${no_display[@]}" /usr/bin/squad-console --version)"
[[ "$out" == "squad-console $version" ]] || fail "squad-console --version printed \"$out\""
log "both programs print version $version"

# The window, offscreen, on a fresh account: it creates its data folder and the default
# SQLite database (the driver comes from the dependencies), reads the sandboxes, quits and
# shuts down cleanly. --quit-after-load exits 1 when the database cannot be opened or read.
start_gui() { # start_gui NAME [wrapper...]
    local name="$1"; shift
    local home="$work/home-$name"
    mkdir -p "$home/config" "$home/data" "$home/cache" "$home/runtime"
    chmod 700 "$home/runtime"
    local status=0
    env -u SQUAD_DB -u SQUAD_DATA_DIR -u SQUAD_PROFILE -u E2B_API_KEY -u GITHUB_TOKEN \
        HOME="$home" XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" \
        XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home/runtime" \
        timeout 120 "$@" /usr/bin/squad-console --quit-after-load \
        >"$work/gui-$name.log" 2>&1 || status=$?
    if ((status != 0)); then
        cat "$work/gui-$name.log"
        fail "squad-console ($name) exited with status $status"
    fi
    local db="$home/data/squad-console/squad.db"
    [[ -f "$db" ]] || fail "squad-console ($name) created no database at $db"
    local migrations
    migrations="$(sqlite3 "$db" 'SELECT count(*) FROM schema_migrations')" \
        || fail "$db is not a Squad Console database"
    ((migrations > 0)) || fail "$db has no migrations applied"
    log "squad-console ($name) started, created its database ($migrations migrations), quit"
}
start_gui offscreen env QT_QPA_PLATFORM=offscreen
# The platform plugin a desktop session uses, when a virtual X server is at hand.
if command -v xvfb-run >/dev/null; then
    start_gui xcb env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY xvfb-run -a
fi

# --- remove --------------------------------------------------------------------------------
log "apt-get remove squad-console"
apt-get "${apt_opts[@]}" remove -y squad-console >"$work/apt.log" 2>&1 \
    || { cat "$work/apt.log"; fail "apt-get remove"; }
installed=0
if dpkg-query -W -f='${Status}' squad-console 2>/dev/null | grep -q 'ok installed'; then
    fail "squad-console is still installed"
fi
left=()
while IFS= read -r path; do
    [[ -z "$path" || "$path" == /. ]] && continue
    if [[ -d "$path" && ! -L "$path" ]]; then
        # A directory may stay when another package owns it too, or holds other files.
        if [[ -z "$(ls -A "$path")" ]] && ! dpkg -S "$path" >/dev/null 2>&1; then
            left+=("$path/")
        fi
    elif [[ -e "$path" || -L "$path" ]]; then
        left+=("$path")
    fi
done <"$work/installed"
((${#left[@]} == 0)) || fail "left behind after removal: ${left[*]}"
log "removed; none of its $(wc -l <"$work/installed") paths is left"
