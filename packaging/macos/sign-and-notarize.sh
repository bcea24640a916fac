#!/usr/bin/env bash
# Signs squad-console.app with the hardened runtime, notarizes and staples the DMG, and checks
# the result the way Gatekeeper does. Credentials come from the environment only and are never
# printed (no `set -x` here).
#
#   sign-and-notarize.sh import-certificate          CI: put the Developer ID certificate into
#                                                    a temporary keychain (MACOS_CERT_P12_BASE64,
#                                                    MACOS_CERT_PASSWORD)
#   sign-and-notarize.sh sign <squad-console.app>    hardened-runtime signature (MACOS_SIGN_IDENTITY)
#   sign-and-notarize.sh notarize <file.dmg>         sign the DMG, submit it to Apple's notary
#                                                    service, wait, staple the ticket
#   sign-and-notarize.sh verify <app-or-dmg>         codesign --verify + spctl assessment
#
# Environment:
#   MACOS_SIGN_IDENTITY   "Developer ID Application: Name (TEAMID)" or its SHA-1 hash
#   Notarization, one of:
#     NOTARY_KEYCHAIN_PROFILE                        a profile made by `xcrun notarytool store-credentials`
#     APPLE_API_KEY_PATH + APPLE_API_KEY_ID + APPLE_API_ISSUER   an App Store Connect API key (.p8)
#     APPLE_ID + APPLE_TEAM_ID + APPLE_APP_PASSWORD  an Apple ID with an app-specific password
#   MACOS_CERT_P12_BASE64, MACOS_CERT_PASSWORD       for import-certificate (base64 of the .p12)
#   MACOS_KEYCHAIN_PASSWORD                          optional password of that temporary keychain
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
entitlements="$here/entitlements.plist"

log() { printf '==> %s\n' "$*"; }
die() { printf 'sign-and-notarize.sh: %s\n' "$*" >&2; exit 2; }

require_macos() {
    [[ "$(uname -s)" == Darwin ]] || die "this step needs macOS (codesign, xcrun); nothing was done"
}

require_env() { # require_env VAR... -> refuses, naming what is missing (never the values)
    local missing=() var
    for var in "$@"; do
        [[ -n "${!var:-}" ]] || missing+=("$var")
    done
    ((${#missing[@]} == 0)) || die "missing environment: ${missing[*]}; nothing was done"
}

codesign_one() { # codesign_one PATH [extra codesign args]
    local path="$1"; shift
    codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$@" "$path"
}

cmd_import_certificate() {
    require_env MACOS_CERT_P12_BASE64 MACOS_CERT_PASSWORD
    require_macos
    local keychain="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/squad-signing.keychain-db"
    local kc_password="${MACOS_KEYCHAIN_PASSWORD:-$(uuidgen)}"
    local p12
    p12="$(mktemp -t squad-cert).p12"
    trap 'rm -f "$p12"' RETURN
    printf '%s' "$MACOS_CERT_P12_BASE64" | base64 --decode > "$p12"
    security create-keychain -p "$kc_password" "$keychain"
    security set-keychain-settings -lut 21600 "$keychain"
    security unlock-keychain -p "$kc_password" "$keychain"
    security import "$p12" -k "$keychain" -P "$MACOS_CERT_PASSWORD" -T /usr/bin/codesign >/dev/null
    security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$kc_password" "$keychain" >/dev/null
    # Search the new keychain first, keeping the user's own ones.
    # shellcheck disable=SC2046  # the list of keychains is meant to be split
    security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
    log "Certificate imported into $keychain"
    security find-identity -v -p codesigning "$keychain" | sed -n 's/^ *[0-9]*) [0-9A-F]* //p'
}

cmd_sign() {
    local app="${1:-}"
    [[ -n "$app" ]] || die "usage: sign <squad-console.app>"
    [[ -d "$app/Contents/MacOS" ]] || die "not an application bundle: $app"
    require_env MACOS_SIGN_IDENTITY
    require_macos
    [[ -f "$entitlements" ]] || die "entitlements file missing: $entitlements"

    # Inside out, without --deep (which signs nested code with the outer settings): first the
    # dylibs, plugins and frameworks, then squadctl, then the bundle with its main executable.
    log "Signing the libraries and plugins in $app"
    local item
    while IFS= read -r -d '' item; do
        codesign_one "$item"
    done < <(find "$app/Contents/Frameworks" "$app/Contents/PlugIns" \
                 -type f \( -name '*.dylib' -o -name '*.so' \) -print0 2>/dev/null)
    while IFS= read -r -d '' item; do
        codesign_one "$item"
    done < <(find "$app/Contents/Frameworks" -maxdepth 1 -type d -name '*.framework' -print0 2>/dev/null)

    log "Signing the programs"
    if [[ -f "$app/Contents/MacOS/squadctl" ]]; then
        codesign_one "$app/Contents/MacOS/squadctl" --entitlements "$entitlements" \
            --identifier "$(/usr/libexec/PlistBuddy -c 'Print :CFBundleIdentifier' "$app/Contents/Info.plist").squadctl"
    fi
    codesign_one "$app" --entitlements "$entitlements"
    cmd_verify "$app"
}

require_notary_credentials() {
    if [[ -n "${NOTARY_KEYCHAIN_PROFILE:-}" ]]; then
        return 0
    elif [[ -n "${APPLE_API_KEY_PATH:-}${APPLE_API_KEY_ID:-}${APPLE_API_ISSUER:-}" ]]; then
        require_env APPLE_API_KEY_PATH APPLE_API_KEY_ID APPLE_API_ISSUER
        [[ -f "$APPLE_API_KEY_PATH" ]] || die "APPLE_API_KEY_PATH is not a file; nothing was submitted"
    elif [[ -n "${APPLE_ID:-}${APPLE_TEAM_ID:-}${APPLE_APP_PASSWORD:-}" ]]; then
        require_env APPLE_ID APPLE_TEAM_ID APPLE_APP_PASSWORD
    else
        die "no notarization credentials: set NOTARY_KEYCHAIN_PROFILE, or APPLE_API_KEY_PATH + APPLE_API_KEY_ID + APPLE_API_ISSUER, or APPLE_ID + APPLE_TEAM_ID + APPLE_APP_PASSWORD; nothing was submitted"
    fi
}

notary() { # notary SUBCOMMAND ARGS... with the credentials require_notary_credentials accepted
    if [[ -n "${NOTARY_KEYCHAIN_PROFILE:-}" ]]; then
        xcrun notarytool "$@" --keychain-profile "$NOTARY_KEYCHAIN_PROFILE"
    elif [[ -n "${APPLE_API_KEY_PATH:-}" ]]; then
        xcrun notarytool "$@" --key "$APPLE_API_KEY_PATH" --key-id "$APPLE_API_KEY_ID" \
            --issuer "$APPLE_API_ISSUER"
    else
        xcrun notarytool "$@" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
            --password "$APPLE_APP_PASSWORD"
    fi
}

cmd_notarize() {
    local dmg="${1:-}"
    [[ -n "$dmg" ]] || die "usage: notarize <file.dmg>"
    [[ -f "$dmg" && "$dmg" == *.dmg ]] || die "not a .dmg file: $dmg"
    require_env MACOS_SIGN_IDENTITY
    require_notary_credentials
    require_macos

    log "Signing $dmg"
    codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
    log "Submitting $dmg for notarization (waits for Apple's verdict)"
    local out status id
    out="$(mktemp)"
    trap 'rm -f "$out"' RETURN
    notary submit "$dmg" --wait --output-format plist > "$out" || true
    status="$(/usr/libexec/PlistBuddy -c 'Print :status' "$out" 2>/dev/null || echo unknown)"
    id="$(/usr/libexec/PlistBuddy -c 'Print :id' "$out" 2>/dev/null || echo '')"
    if [[ "$status" != Accepted ]]; then
        printf 'sign-and-notarize.sh: notarization status: %s\n' "$status" >&2
        if [[ -n "$id" ]]; then notary log "$id" >&2 || true; fi
        exit 1
    fi
    log "Notarization accepted ($id); stapling the ticket"
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
    cmd_verify "$dmg"
}

cmd_verify() {
    local target="${1:-}"
    [[ -n "$target" && -e "$target" ]] || die "usage: verify <squad-console.app|file.dmg>"
    require_macos
    log "Verifying $target"
    codesign --verify --deep --strict --verbose=2 "$target"
    if [[ "$target" == *.dmg ]]; then
        # A notarized and stapled DMG is accepted as "Notarized Developer ID".
        spctl -a -vv -t open --context context:primary-signature "$target"
    else
        codesign --display --verbose=2 "$target" 2>&1 | grep -E '^(Identifier|Authority|TeamIdentifier|Runtime Version|Timestamp)=' || true
        # Before notarization spctl reports "Unnotarized Developer ID"; that is expected here.
        spctl -a -vv -t exec "$target" || log "spctl rejects the bundle until the DMG is notarized"
    fi
}

case "${1:-}" in
    import-certificate) shift; cmd_import_certificate "$@" ;;
    sign) shift; cmd_sign "$@" ;;
    notarize) shift; cmd_notarize "$@" ;;
    verify) shift; cmd_verify "$@" ;;
    *) die "usage: $(basename "$0") import-certificate | sign <app> | notarize <dmg> | verify <app|dmg>" ;;
esac
