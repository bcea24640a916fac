#!/usr/bin/env python3
"""Checks the Windows/macOS packaging and the CI workflow as far as a Linux machine can.

    check-packaging.py <source-dir> <cmake-executable>

What it verifies (and what it cannot) is listed in packaging/README.md, "What is checked here".
Needs python3-yaml; it installs nothing and fails with the package name when it is missing.
"""
import atexit
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit("FAIL: the Python module 'yaml' is missing: install the Debian package python3-yaml "
             "(scripts/install-deps.sh)")

SRC = Path(sys.argv[1]).resolve()
CMAKE = sys.argv[2]
WORKFLOW = SRC / ".github/workflows/release.yml"
README = SRC / "packaging/README.md"
failures = []


def temp_dir(prefix):
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def version_tuple(text):
    return tuple(int(x) for x in re.findall(r"\d+", str(text))[:3])


# --- the workflow ----------------------------------------------------------------------------
def check_workflow():
    doc = yaml.safe_load(WORKFLOW.read_text())
    check(isinstance(doc, dict), "release.yml: not a YAML mapping")
    # YAML 1.1 reads the key `on` as the boolean true.
    triggers = doc.get("on", doc.get(True)) or {}
    check("tags" in (triggers.get("push") or {}), "release.yml: no push trigger on tags")
    check("pull_request" in triggers, "release.yml: no pull_request trigger")
    jobs = doc.get("jobs") or {}
    for job in ("linux", "windows", "macos", "release"):
        check(job in jobs, f"release.yml: job '{job}' missing")
    if failures:
        return
    env = doc.get("env") or {}

    def resolve(value, job):
        scope = {**env, **(jobs[job].get("env") or {})}
        return re.sub(r"\$\{\{\s*env\.(\w+)\s*\}\}", lambda m: str(scope.get(m.group(1), "")), str(value))

    check(jobs["linux"].get("runs-on") == "ubuntu-24.04", "linux: not on ubuntu-24.04")
    containers = [i.get("container") for i in jobs["linux"]["strategy"]["matrix"]["include"]]
    check("debian:12" in containers, "linux: no debian:12 container in the matrix")
    check(jobs["windows"].get("runs-on") == "windows-2022", "windows: not on windows-2022")
    check(jobs["macos"].get("runs-on") == "macos-14", "macos: not on macos-14")

    expected_cpack = {"linux": ["DEB", "RPM", "TGZ"], "windows": ["NSIS", "WIX"], "macos": ["DragNDrop"]}
    for job, generators in expected_cpack.items():
        steps = jobs[job].get("steps") or []
        for i, step in enumerate(steps):
            check(("uses" in step) != ("run" in step), f"{job}: step {i} needs exactly one of uses/run")
            if "uses" in step:
                check("@" in step["uses"], f"{job}: action {step['uses']} is not pinned to a version")
        runs = "\n".join(str(s.get("run", "")) for s in steps)
        uses = [str(s.get("uses", "")) for s in steps]
        check(any(u.startswith("actions/checkout@") for u in uses), f"{job}: no checkout")
        check(any(u.startswith("actions/upload-artifact@") for u in uses), f"{job}: no artifact upload")
        check("ctest" in runs or "scripts/test.sh" in runs, f"{job}: runs no tests")
        check("cmake --build" in runs or "scripts/build.sh" in runs, f"{job}: builds nothing")
        check("cpack" in runs, f"{job}: no cpack")
        for generator in generators:
            check(generator in runs, f"{job}: cpack generator {generator} not run")
        if job != "linux":
            qt = [s for s in steps if str(s.get("uses", "")).startswith("jurplel/install-qt-action@")]
            if check(len(qt) == 1, f"{job}: Qt not installed with jurplel/install-qt-action"):
                with_ = qt[0].get("with") or {}
                check(version_tuple(resolve(with_.get("version"), job)) >= (6, 5),
                      f"{job}: Qt for Windows/macOS must be >= 6.5")
                check("qtcharts" in str(with_.get("modules", "")), f"{job}: Qt module qtcharts missing")
            check("vcpkg" in runs, f"{job}: libraries not from vcpkg")

    # Signing runs only when its secrets are there; each HAS_* flag comes from a secret.
    for job, flags in {"windows": ["HAS_WINDOWS_SIGNING"], "macos": ["HAS_MACOS_SIGNING", "HAS_MACOS_NOTARY"]}.items():
        job_env = jobs[job].get("env") or {}
        for flag in flags:
            check("secrets." in str(job_env.get(flag, "")), f"{job}: {flag} is not derived from a secret")
            gated = [s for s in jobs[job]["steps"] if flag in str(s.get("if", ""))]
            check(gated, f"{job}: no step gated on {flag}")
    windows_runs = "\n".join(str(s.get("run", "")) for s in jobs["windows"]["steps"])
    macos_runs = "\n".join(str(s.get("run", "")) for s in jobs["macos"]["steps"])
    check("packaging/windows/sign.ps1" in windows_runs, "windows: installers never signed")
    check("sign-and-notarize.sh notarize" in macos_runs, "macos: DMG never notarized")

    release = jobs["release"]
    check(set(release.get("needs") or []) == {"linux", "windows", "macos"}, "release: must need the three builds")
    check("refs/tags/" in str(release.get("if", "")), "release: not limited to tags")
    check((release.get("permissions") or {}).get("contents") == "write", "release: needs contents: write")
    check(any("action-gh-release" in str(s.get("uses", "")) for s in release.get("steps") or []),
          "release: publishes nothing")

    # Every secret the workflow reads is documented.
    readme = README.read_text() if README.exists() else ""
    for secret in sorted(set(re.findall(r"secrets\.(\w+)", WORKFLOW.read_text()))):
        check(secret in readme, f"secret {secret} is not documented in packaging/README.md")


# --- files the workflow and the cmake files name -------------------------------------------
def check_references():
    text = WORKFLOW.read_text()
    paths = set(re.findall(r"(?<![\w./$-])((?:packaging|scripts|\.github)/[\w./-]+\.(?:sh|ps1|json|cmake|yml|plist))", text))
    paths |= set(re.findall(r"hashFiles\('([^']+)'\)", text))
    check(paths, "release.yml: found no file references at all (the check is broken)")
    for rel in sorted(paths):
        path = SRC / rel
        if check(path.is_file(), f"release.yml names {rel}, which does not exist"):
            if rel.endswith(".sh"):
                check(path.stat().st_mode & 0o111, f"{rel} is not executable")
    for cmake_file, dir_var in (("packaging/windows/windows.cmake", "SQUAD_WINDOWS_DIR"),
                                ("packaging/macos/macos.cmake", "SQUAD_MACOS_DIR")):
        body = (SRC / cmake_file).read_text()
        names = re.findall(r"\$\{(?:%s|CMAKE_CURRENT_LIST_DIR)\}/([\w.-]+)" % dir_var, body)
        check(names, f"{cmake_file}: found no file references (the check is broken)")
        for name in names:
            check((SRC / cmake_file).parent.joinpath(name).is_file(), f"{cmake_file} names {name}, which does not exist")
    for hook in ("packaging/windows/cpack-sign.cmake", "packaging/macos/cpack-sign.cmake"):
        # Parsed without running (if(FALSE)): it needs cpack's variables and the signing tools.
        wrapped = temp_dir("squad-hook-") / "hook.cmake"
        wrapped.write_text("if(FALSE)\n" + (SRC / hook).read_text() + "\nendif()\n")
        parse = subprocess.run([CMAKE, "-P", str(wrapped)], capture_output=True, text=True)
        check(parse.returncode == 0, f"{hook} does not parse:\n{parse.stderr}")
        for name in re.findall(r"\$\{CMAKE_CURRENT_LIST_DIR\}/([\w.-]+)", (SRC / hook).read_text()):
            check((SRC / hook).parent.joinpath(name).is_file(), f"{hook} names {name}, which does not exist")


# --- the cmake files, run in script mode with the target commands stubbed --------------------
DRIVER = r"""
# Records what the packaging files ask of CMake; the commands that need a project are stubbed.
set(PROJECT_VERSION 1.2.3)
set(PROJECT_VERSION_MAJOR 1)
set(PROJECT_VERSION_MINOR 2)
set(PROJECT_VERSION_PATCH 3)
set(PROJECT_HOMEPAGE_URL "https://example.invalid/squad")
set(CPACK_PACKAGE_VENDOR "Squad Console")
set(CMAKE_PREFIX_PATH "/deps/one;/deps/two")
set(CMAKE_CURRENT_BINARY_DIR "@BIN@")
set(Qt6_VERSION "@QT@")
set(Qt6_DIR "/qt/lib/cmake/Qt6")
set(@PLATFORM@ 1)
# A global property: the packaging files call these from inside their own functions too.
function(squad_record name)
    string(REPLACE ";" " " args "${ARGN}")
    set_property(GLOBAL APPEND_STRING PROPERTY SQUAD_CALLS "${name}: ${args}\n")
endfunction()
function(set_target_properties)
    squad_record(set_target_properties ${ARGN})
endfunction()
function(target_sources)
    squad_record(target_sources ${ARGN})
endfunction()
function(set_source_files_properties)
    squad_record(set_source_files_properties ${ARGN})
endfunction()
function(get_target_property var)
    set(${var} "/qt/bin/qmake" PARENT_SCOPE)
endfunction()
function(find_program var)
    set(${var} "/qt/bin/deployqt" PARENT_SCOPE)
endfunction()
function(find_file var)
    set(${var} "/deps/one/bin/libpq.dll" PARENT_SCOPE)
endfunction()
set(SQUAD_INSTALL_CODE_COUNT 0)
function(install)
    cmake_parse_arguments(I "" "CODE;SCRIPT" "" ${ARGN})
    math(EXPR n "${SQUAD_INSTALL_CODE_COUNT} + 1")
    set(SQUAD_INSTALL_CODE_COUNT ${n} PARENT_SCOPE)
    if(DEFINED I_CODE)
        file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/install-code-${n}.cmake" "${I_CODE}")
    elseif(DEFINED I_SCRIPT)
        file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/install-code-${n}.cmake" "# install(SCRIPT ${I_SCRIPT})\n")
    else()
        file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/install-code-${n}.cmake" "# install(${ARGN})\n")
    endif()
endfunction()
function(qt_generate_deploy_script)
    cmake_parse_arguments(Q "" "TARGET;OUTPUT_SCRIPT;CONTENT" "" ${ARGN})
    file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/qt-deploy-content.cmake" "${Q_CONTENT}")
    set(${Q_OUTPUT_SCRIPT} "${CMAKE_CURRENT_BINARY_DIR}/qt-deploy.cmake" PARENT_SCOPE)
endfunction()

include("@FILE@")

get_property(calls GLOBAL PROPERTY SQUAD_CALLS)
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/result.txt" "${calls}")
foreach(var CPACK_GENERATOR CPACK_PACKAGE_EXECUTABLES CPACK_WIX_UPGRADE_GUID CPACK_WIX_PRODUCT_ICON
        CPACK_WIX_PROGRAM_MENU_FOLDER CPACK_RESOURCE_FILE_LICENSE CPACK_NSIS_MUI_ICON
        CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL CPACK_NSIS_MODIFY_PATH CPACK_NSIS_DISPLAY_NAME
        CPACK_PACKAGE_INSTALL_DIRECTORY CPACK_DMG_VOLUME_NAME CPACK_PACKAGE_ICON
        CPACK_PRE_BUILD_SCRIPTS SQUAD_INSTALL_CODE_COUNT)
    file(APPEND "${CMAKE_CURRENT_BINARY_DIR}/result.txt" "VAR ${var}=${${var}}\n")
endforeach()
"""


def run_cmake_file(platform, cmake_file, qt):
    tmp = temp_dir("squad-packaging-")
    driver = DRIVER.replace("@BIN@", str(tmp)).replace("@QT@", qt).replace("@PLATFORM@", platform) \
                   .replace("@FILE@", str(SRC / cmake_file))
    (tmp / "driver.cmake").write_text(driver)
    run = subprocess.run([CMAKE, "-P", str(tmp / "driver.cmake")], cwd=tmp, capture_output=True, text=True)
    where = f"{cmake_file} (Qt {qt})"
    if not check(run.returncode == 0, f"{where}: cmake -P failed:\n{run.stdout}{run.stderr}"):
        return tmp, {}, ""
    result = (tmp / "result.txt").read_text()
    variables = dict(line[4:].split("=", 1) for line in result.splitlines() if line.startswith("VAR "))
    # The generated install(CODE) snippets must at least parse: wrapped in if(FALSE), cmake
    # reads the whole file (syntax errors fail) without running any of it.
    for snippet in sorted(tmp.glob("install-code-*.cmake")) + sorted(tmp.glob("qt-deploy-content.cmake")):
        wrapped = tmp / f"parse-{snippet.name}"
        wrapped.write_text("if(FALSE)\n" + snippet.read_text() + "\nendif()\n")
        parse = subprocess.run([CMAKE, "-P", str(wrapped)], capture_output=True, text=True)
        check(parse.returncode == 0, f"{where}: generated {snippet.name} does not parse:\n{parse.stderr}")
    return tmp, variables, result


def check_windows_cmake():
    for qt in ("6.8.3", "6.4.2"):
        tmp, v, calls = run_cmake_file("WIN32", "packaging/windows/windows.cmake", qt)
        if not v:
            continue
        where = f"windows.cmake (Qt {qt})"
        check(v.get("CPACK_GENERATOR") == "NSIS;WIX", f"{where}: CPACK_GENERATOR is {v.get('CPACK_GENERATOR')}")
        try:
            check(uuid.UUID(v.get("CPACK_WIX_UPGRADE_GUID", "")).version == 4, f"{where}: upgrade GUID not a v4 UUID")
        except ValueError:
            check(False, f"{where}: CPACK_WIX_UPGRADE_GUID is not a GUID")
        check(v.get("CPACK_PACKAGE_EXECUTABLES") == "squad-console;Squad Console", f"{where}: Start-menu entry")
        check(v.get("CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL") == "ON", f"{where}: uninstall-before-install")
        check(v.get("CPACK_NSIS_MODIFY_PATH") == "OFF", f"{where}: NSIS modifies PATH")
        check(v.get("CPACK_WIX_PROGRAM_MENU_FOLDER"), f"{where}: no WiX program menu folder")
        for icon in ("CPACK_WIX_PRODUCT_ICON", "CPACK_NSIS_MUI_ICON"):
            check(v.get(icon, "").endswith(".ico") and Path(v[icon]).is_file(), f"{where}: {icon} is no .ico file")
        license_file = Path(v.get("CPACK_RESOURCE_FILE_LICENSE", ""))
        check(license_file.suffix in (".txt", ".rtf") and license_file.is_file(), f"{where}: WiX needs a .txt/.rtf licence")
        check("squad-console PROPERTIES WIN32_EXECUTABLE ON" in calls, f"{where}: GUI not WIN32_EXECUTABLE")
        rc = tmp / "squad-console.rc"
        if check(rc.is_file() and f"squad-console PRIVATE {rc}" in calls, f"{where}: no .rc added to the GUI"):
            text = rc.read_text()
            check("FILEVERSION 1,2,3,0" in text and '"ProductVersion", "1.2.3"' in text, f"{where}: .rc lacks the version")
            check("ICON" in text and "@" not in text, f"{where}: .rc has no icon or an unexpanded @VAR@")
        deploy = "\n".join(p.read_text() for p in tmp.glob("*.cmake") if p.name.startswith(("install-code", "qt-deploy")))
        if qt >= "6.5":
            check("qt_deploy_runtime_dependencies" in deploy, f"{where}: Qt's deploy script not used")
        else:
            check("--release" in deploy and "--no-translations" in deploy, f"{where}: windeployqt not run")
        check("GET_RUNTIME_DEPENDENCIES" in deploy and "libpq.dll" in deploy, f"{where}: vcpkg DLLs not deployed")


def check_macos_cmake():
    for qt in ("6.8.3", "6.4.2"):
        tmp, v, calls = run_cmake_file("APPLE", "packaging/macos/macos.cmake", qt)
        if not v:
            continue
        where = f"macos.cmake (Qt {qt})"
        check(v.get("CPACK_GENERATOR") == "DragNDrop", f"{where}: CPACK_GENERATOR is {v.get('CPACK_GENERATOR')}")
        check(v.get("CPACK_DMG_VOLUME_NAME"), f"{where}: no DMG volume name")
        check("MACOSX_BUNDLE ON" in calls and "MACOSX_BUNDLE_INFO_PLIST" in calls, f"{where}: GUI not a bundle")
        check("MACOSX_PACKAGE_LOCATION Resources" in calls, f"{where}: .icns not in Contents/Resources")
        plist_path = tmp / "Info.plist"
        if check(plist_path.is_file(), f"{where}: Info.plist not configured"):
            plist = plistlib.loads(plist_path.read_bytes())
            check(plist.get("CFBundleShortVersionString") == "1.2.3", f"{where}: CFBundleShortVersionString")
            check(plist.get("CFBundleExecutable") == "squad-console", f"{where}: CFBundleExecutable")
            check(plist.get("NSPrincipalClass") == "NSApplication", f"{where}: NSPrincipalClass")
            check(plist.get("NSHighResolutionCapable") is True, f"{where}: NSHighResolutionCapable")
            icon = plist.get("CFBundleIconFile", "")
            check(icon and (SRC / "packaging/macos" / icon).is_file(), f"{where}: CFBundleIconFile {icon} missing")
            for key in ("CFBundleIdentifier", "CFBundleVersion", "LSMinimumSystemVersion"):
                check(plist.get(key) and "@" not in str(plist.get(key)), f"{where}: {key} empty or unexpanded")
        deploy = "\n".join(p.read_text() for p in tmp.glob("*.cmake") if p.name.startswith(("install-code", "qt-deploy")))
        check("Contents/MacOS/squadctl" in deploy, f"{where}: squadctl not moved into the bundle")
        if qt >= "6.5":
            check("qt_deploy_runtime_dependencies" in deploy, f"{where}: Qt's deploy script not used")
        else:
            check("-executable=" in deploy, f"{where}: macdeployqt not run on squadctl too")


# --- assets and signing scripts ---------------------------------------------------------------
def check_assets():
    ico = (SRC / "packaging/windows/squad-console.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    check(reserved == 0 and kind == 1, "squad-console.ico: not an ICO file")
    sizes = {(ico[6 + 16 * i] or 256) for i in range(count)}
    check({16, 32, 48, 256} <= sizes, f"squad-console.ico: sizes {sorted(sizes)} lack 16/32/48/256")

    icns = (SRC / "packaging/macos/squad-console.icns").read_bytes()
    check(icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns), "squad-console.icns: bad header")
    types, offset = set(), 8
    while offset + 8 <= len(icns):
        kind, length = icns[offset:offset + 4].decode("latin-1"), struct.unpack(">I", icns[offset + 4:offset + 8])[0]
        if not check(length >= 8, "squad-console.icns: corrupt element"):
            break
        types.add(kind)
        offset += length
    check(offset == len(icns), "squad-console.icns: elements do not add up to the file")
    check({"ic08", "ic09", "ic10"} <= types, f"squad-console.icns: lacks 256/512/1024 elements ({sorted(types)})")

    entitlements = plistlib.loads((SRC / "packaging/macos/entitlements.plist").read_bytes())
    risky = [k for k in entitlements if "allow-jit" in k or "unsigned-executable-memory" in k
             or "disable-library-validation" in k or "allow-dyld" in k]
    check(not risky, f"entitlements.plist grants {risky} without need")


def check_signing_scripts():
    script = SRC / "packaging/macos/sign-and-notarize.sh"
    tmp = temp_dir("squad-sign-")
    (tmp / "a.app/Contents/MacOS").mkdir(parents=True)
    (tmp / "a.dmg").write_bytes(b"")
    base_env = {"PATH": "/usr/bin:/bin"}
    cases = [
        (["sign", str(tmp / "a.app")], {}, "MACOS_SIGN_IDENTITY"),
        (["notarize", str(tmp / "a.dmg")], {"MACOS_SIGN_IDENTITY": "Developer ID"}, "no notarization credentials"),
        (["notarize", str(tmp / "a.dmg")], {"MACOS_SIGN_IDENTITY": "x", "APPLE_ID": "s3cr3t-apple-id"},
         "APPLE_TEAM_ID APPLE_APP_PASSWORD"),
        (["import-certificate"], {"MACOS_CERT_PASSWORD": "s3cr3t-password"}, "MACOS_CERT_P12_BASE64"),
        ([], {}, "usage"),
    ]
    for args, env, expected in cases:
        run = subprocess.run(["bash", str(script), *args], env={**base_env, **env}, capture_output=True, text=True)
        out = run.stdout + run.stderr
        check(run.returncode != 0 and expected in out, f"sign-and-notarize.sh {args}: did not refuse with '{expected}': {out}")
        check("s3cr3t" not in out, f"sign-and-notarize.sh {args}: printed a secret")
    sign_ps1 = (SRC / "packaging/windows/sign.ps1").read_text()
    for needle in ("WINDOWS_CERT_PFX_BASE64", "WINDOWS_CERT_PASSWORD", "/tr", "/fd sha256", "Remove-Item"):
        check(needle in sign_ps1, f"sign.ps1: lacks {needle}")


def check_readme():
    text = README.read_text() if check(README.is_file(), "packaging/README.md missing") else ""
    for needle in ("cpack -G DEB", "NSIS", "WiX", "vcpkg", "windeployqt", "macdeployqt", "notarytool",
                   "stapler staple", "spctl -a -vv", "codesign --verify --deep --strict", "signtool",
                   "What is checked here"):
        check(needle in text, f"packaging/README.md does not mention '{needle}'")


for section in (check_workflow, check_references, check_windows_cmake, check_macos_cmake, check_assets,
                check_signing_scripts, check_readme):
    try:
        section()
    except Exception as error:  # a malformed file is a failure of the check, reported as such
        failures.append(f"{section.__name__}: {type(error).__name__}: {error}")

if failures:
    print("FAIL: packaging checks:\n  - " + "\n  - ".join(failures))
    sys.exit(1)
print("packaging checks passed")
