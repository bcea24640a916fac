# macOS: squad-console.app (Info.plist, icon, Qt frameworks and plugins, the vcpkg dylibs, and
# squadctl in Contents/MacOS) packed into a drag-and-drop DMG. Included by
# packaging/CMakeLists.txt on Apple platforms, just before include(CPack). See packaging/README.md.
#
# It expects squad-console installed with BUNDLE DESTINATION . and squadctl with
# RUNTIME DESTINATION bin (app/**/CMakeLists.txt).

set(SQUAD_MACOS_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(SQUAD_MACOS_BUNDLE_ID "io.github.squad-console.SquadConsole" CACHE STRING
    "CFBundleIdentifier of squad-console.app (keep it: macOS keys settings and keychain prompts by it)")
set(SQUAD_MACOS_BUNDLE_VERSION "${PROJECT_VERSION}" CACHE STRING
    "CFBundleVersion (the build number; CI may pass a run number appended to the version)")
# Qt 6.5-6.7 run on macOS 11 and later, Qt 6.8 and later on macOS 12 and later.
if(CMAKE_OSX_DEPLOYMENT_TARGET)
    set(SQUAD_MACOS_MINIMUM_SYSTEM "${CMAKE_OSX_DEPLOYMENT_TARGET}")
else()
    set(SQUAD_MACOS_MINIMUM_SYSTEM "12.0")
endif()
string(TIMESTAMP _squad_year "%Y" UTC)
set(SQUAD_MACOS_COPYRIGHT "Copyright ${_squad_year} ${CPACK_PACKAGE_VENDOR}")

# --- the bundle ---------------------------------------------------------------------------
configure_file("${SQUAD_MACOS_DIR}/Info.plist.in" "${CMAKE_CURRENT_BINARY_DIR}/Info.plist" @ONLY)
set(SQUAD_MACOS_ICON "${SQUAD_MACOS_DIR}/squad-console.icns")
target_sources(squad-console PRIVATE "${SQUAD_MACOS_ICON}")
set_source_files_properties("${SQUAD_MACOS_ICON}" TARGET_DIRECTORY squad-console
    PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
# The installed programs find the dylibs deployed into the bundle's Frameworks folder;
# squadctl sits next to squad-console in Contents/MacOS, so the same relative path serves both.
set_target_properties(squad-console PROPERTIES
    MACOSX_BUNDLE ON
    MACOSX_BUNDLE_INFO_PLIST "${CMAKE_CURRENT_BINARY_DIR}/Info.plist"
    INSTALL_RPATH "@executable_path/../Frameworks")
set_target_properties(squadctl PROPERTIES INSTALL_RPATH "@executable_path/../Frameworks")

# squadctl goes inside the bundle (a DMG offers one thing to drag into Applications); users
# link it onto their PATH themselves (README). Runs after app/'s install(TARGETS) rules,
# because packaging/ is added after app/.
install(CODE "
    set(_prefix \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
    set(_macos \"\${_prefix}/squad-console.app/Contents/MacOS\")
    if(EXISTS \"\${_prefix}/bin/squadctl\")
        file(RENAME \"\${_prefix}/bin/squadctl\" \"\${_macos}/squadctl\")
        file(GLOB _left \"\${_prefix}/bin/*\")
        if(NOT _left)
            file(REMOVE_RECURSE \"\${_prefix}/bin\")
        endif()
    endif()
")

# The non-Qt dylibs (QtKeychain, libgit2, libjwt + jansson, OpenSSL) from vcpkg's dynamic
# triplet or the QtKeychain prefix, copied into Contents/Frameworks; macdeployqt then brings
# the Qt frameworks and plugins and rewrites the load paths of everything in the bundle.
set(SQUAD_RUNTIME_DYLIB_DIRS "" CACHE STRING
    "Extra directories searched for the dylibs squad-console.app bundles")
set(_squad_dylib_dirs ${SQUAD_RUNTIME_DYLIB_DIRS})
if(DEFINED VCPKG_INSTALLED_DIR AND DEFINED VCPKG_TARGET_TRIPLET)
    list(APPEND _squad_dylib_dirs "${VCPKG_INSTALLED_DIR}/${VCPKG_TARGET_TRIPLET}/lib")
endif()
foreach(_prefix IN LISTS CMAKE_PREFIX_PATH)
    list(APPEND _squad_dylib_dirs "${_prefix}/lib")
endforeach()
list(TRANSFORM _squad_dylib_dirs REPLACE "^(.+)$" "\"\\1\"" OUTPUT_VARIABLE _squad_dylib_dirs_quoted)
list(JOIN _squad_dylib_dirs_quoted " " _squad_dylib_dirs_quoted)
install(CODE "
    set(_contents \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/squad-console.app/Contents\")
    file(GET_RUNTIME_DEPENDENCIES
        EXECUTABLES \"\${_contents}/MacOS/squad-console\" \"\${_contents}/MacOS/squadctl\"
        DIRECTORIES ${_squad_dylib_dirs_quoted}
        RESOLVED_DEPENDENCIES_VAR _resolved
        UNRESOLVED_DEPENDENCIES_VAR _unresolved
        PRE_EXCLUDE_REGEXES \"Qt[A-Za-z0-9]*\\\\.framework\"
        POST_EXCLUDE_REGEXES \"^/usr/lib/\" \"^/System/\")
    foreach(_dylib IN LISTS _resolved)
        file(INSTALL \"\${_dylib}\" DESTINATION \"\${_contents}/Frameworks\" FOLLOW_SYMLINK_CHAIN)
    endforeach()
    if(_unresolved)
        message(WARNING \"dylibs not found for the bundle: \${_unresolved}\")
    endif()
")

if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5)
    # Qt's deploy script runs macdeployqt on the bundle, squadctl included. Paths are relative
    # to the install prefix, where the script runs macdeployqt.
    qt_generate_deploy_script(
        TARGET squad-console
        OUTPUT_SCRIPT squad_qt_deploy_script
        CONTENT "
qt_deploy_runtime_dependencies(
    EXECUTABLE \"squad-console.app\"
    ADDITIONAL_EXECUTABLES \"squad-console.app/Contents/MacOS/squadctl\"
    GENERATE_QT_CONF
    NO_TRANSLATIONS
)")
    install(SCRIPT "${squad_qt_deploy_script}")
else()
    # Qt 6.4: its deploy API is a technology preview, so macdeployqt is run by hand.
    # $<TARGET_FILE> and LOCATION pick the imported tool's path for any configuration.
    if(TARGET Qt6::macdeployqt)
        set(SQUAD_MACDEPLOYQT "$<TARGET_FILE:Qt6::macdeployqt>")
    else()
        get_target_property(_squad_qmake Qt6::qmake LOCATION)
        get_filename_component(_squad_qt_bin "${_squad_qmake}" DIRECTORY)
        find_program(SQUAD_MACDEPLOYQT NAMES macdeployqt macdeployqt6
            HINTS "${_squad_qt_bin}" "${Qt6_DIR}/../../../bin" REQUIRED)
    endif()
    install(CODE "
        set(_app \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/squad-console.app\")
        execute_process(
            COMMAND \"${SQUAD_MACDEPLOYQT}\" \"\${_app}\"
                    \"-executable=\${_app}/Contents/MacOS/squadctl\"
                    -always-overwrite -verbose=1
            RESULT_VARIABLE _rc)
        if(NOT _rc EQUAL 0)
            message(FATAL_ERROR \"macdeployqt failed (\${_rc})\")
        endif()
    ")
endif()

# --- CPack: DragNDrop ------------------------------------------------------------------------
set(CPACK_GENERATOR "DragNDrop")
set(CPACK_DMG_VOLUME_NAME "Squad Console")
set(CPACK_DMG_FORMAT "UDZO")
set(CPACK_PACKAGE_ICON "${SQUAD_MACOS_ICON}")   # the mounted volume's icon
# The DMG holds squad-console.app and a link to /Applications (CPack's default) to drop it on.

# Hardened-runtime signing of the staged bundle before the DMG is made, when an identity is
# given (MACOS_SIGN_IDENTITY); notarizing the DMG follows cpack (sign-and-notarize.sh notarize).
list(APPEND CPACK_PRE_BUILD_SCRIPTS "${SQUAD_MACOS_DIR}/cpack-sign.cmake")
