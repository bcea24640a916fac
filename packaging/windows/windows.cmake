# Windows installers: NSIS (.exe) and WiX (.msi), with the Qt runtime and the vcpkg DLLs deployed
# next to the programs. Included by packaging/CMakeLists.txt on Windows, just before
# include(CPack), so the common CPACK_PACKAGE_* values are already set. See packaging/README.md.
#
# It expects the two programs installed with RUNTIME DESTINATION bin (app/**/CMakeLists.txt).

set(SQUAD_WINDOWS_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(SQUAD_WINDOWS_ICON "${SQUAD_WINDOWS_DIR}/squad-console.ico")
if(NOT CPACK_PACKAGE_VENDOR)
    set(CPACK_PACKAGE_VENDOR "Squad Console")
endif()

# --- the programs: no console window for the GUI, an icon and a version resource for both ----
set_target_properties(squad-console PROPERTIES WIN32_EXECUTABLE ON)

function(squad_windows_resource target description with_icon)
    set(SQUAD_RC_FILENAME "${target}.exe")
    set(SQUAD_RC_INTERNAL_NAME "${target}")
    set(SQUAD_RC_DESCRIPTION "${description}")
    set(SQUAD_RC_VENDOR "${CPACK_PACKAGE_VENDOR}")
    set(SQUAD_RC_ICON_LINE "")
    if(with_icon)
        # The first icon resource is the one Explorer, the taskbar and the shortcuts show.
        set(SQUAD_RC_ICON_LINE "IDI_ICON1 ICON \"${SQUAD_WINDOWS_ICON}\"")
    endif()
    set(rc "${CMAKE_CURRENT_BINARY_DIR}/${target}.rc")
    configure_file("${SQUAD_WINDOWS_DIR}/squad-console.rc.in" "${rc}" @ONLY)
    target_sources(${target} PRIVATE "${rc}")
endfunction()
squad_windows_resource(squad-console "Squad Console" ON)
squad_windows_resource(squadctl "Squad Console command-line tool" ON)

# --- runtime: MSVC runtime, Qt (windeployqt), the non-Qt DLLs from vcpkg ---------------------
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
include(InstallRequiredSystemLibraries)

if(Qt6_VERSION VERSION_GREATER_EQUAL 6.5)
    # Qt's own deploy script runs windeployqt for both programs. The compiler runtime comes from
    # InstallRequiredSystemLibraries above; translations: the UI is English only.
    qt_generate_deploy_script(
        TARGET squad-console
        OUTPUT_SCRIPT squad_qt_deploy_script
        CONTENT "
qt_deploy_runtime_dependencies(
    EXECUTABLE \"\${QT_DEPLOY_BIN_DIR}/$<TARGET_FILE_NAME:squad-console>\"
    ADDITIONAL_EXECUTABLES \"\${QT_DEPLOY_BIN_DIR}/$<TARGET_FILE_NAME:squadctl>\"
    GENERATE_QT_CONF
    NO_TRANSLATIONS
    NO_COMPILER_RUNTIME
)")
    install(SCRIPT "${squad_qt_deploy_script}")
else()
    # Qt 6.4: its deploy API is a technology preview, so windeployqt is run by hand.
    # $<TARGET_FILE> and LOCATION pick the imported tool's path for any configuration.
    if(TARGET Qt6::windeployqt)
        set(SQUAD_WINDEPLOYQT "$<TARGET_FILE:Qt6::windeployqt>")
    else()
        get_target_property(_squad_qmake Qt6::qmake LOCATION)
        get_filename_component(_squad_qt_bin "${_squad_qmake}" DIRECTORY)
        find_program(SQUAD_WINDEPLOYQT NAMES windeployqt windeployqt6
            HINTS "${_squad_qt_bin}" "${Qt6_DIR}/../../../bin" REQUIRED)
    endif()
    # windeployqt picks the plugins from the modules the programs link: platforms (qwindows),
    # styles, imageformats, iconengines, sqldrivers (qsqlite, qsqlpsql, ...) and tls (schannel,
    # openssl). --release because the installers are built in Release/RelWithDebInfo.
    install(CODE "
        set(_bin \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin\")
        execute_process(
            COMMAND \"${SQUAD_WINDEPLOYQT}\" --release --no-translations --no-compiler-runtime
                    --verbose 1 --dir \"\${_bin}\"
                    \"\${_bin}/$<TARGET_FILE_NAME:squad-console>\"
                    \"\${_bin}/$<TARGET_FILE_NAME:squadctl>\"
            RESULT_VARIABLE _rc)
        if(NOT _rc EQUAL 0)
            message(FATAL_ERROR \"windeployqt failed (\${_rc})\")
        endif()
    ")
endif()

# The DLLs of QtKeychain, libgit2, libjwt (+ jansson), OpenSSL and zlib: found where the
# programs link them from (vcpkg's installed tree, the QtKeychain prefix) and copied into bin.
# libpq is no link dependency: Qt's qsqlpsql plugin loads it, so it is named explicitly.
set(SQUAD_RUNTIME_DLL_DIRS "" CACHE STRING
    "Extra directories searched for the DLLs the Windows installers bundle")
set(_squad_dll_dirs ${SQUAD_RUNTIME_DLL_DIRS})
if(DEFINED VCPKG_INSTALLED_DIR AND DEFINED VCPKG_TARGET_TRIPLET)
    list(APPEND _squad_dll_dirs "${VCPKG_INSTALLED_DIR}/${VCPKG_TARGET_TRIPLET}/bin")
endif()
foreach(_prefix IN LISTS CMAKE_PREFIX_PATH)
    list(APPEND _squad_dll_dirs "${_prefix}/bin")
endforeach()
# Forward slashes: backslashes would read as escapes in the generated install script.
file(TO_CMAKE_PATH "${_squad_dll_dirs}" _squad_dll_dirs)
find_file(SQUAD_LIBPQ_DLL NAMES libpq.dll PATHS ${_squad_dll_dirs} NO_DEFAULT_PATH)
set(_squad_extra_libs "")
if(SQUAD_LIBPQ_DLL)
    set(_squad_extra_libs "\"${SQUAD_LIBPQ_DLL}\"")
else()
    message(WARNING "libpq.dll not found: the installers' PostgreSQL driver will not load")
endif()
# Quoted one by one: the paths end up in the generated install script and may hold spaces.
list(TRANSFORM _squad_dll_dirs REPLACE "^(.+)$" "\"\\1\"" OUTPUT_VARIABLE _squad_dll_dirs_quoted)
list(JOIN _squad_dll_dirs_quoted " " _squad_dll_dirs_quoted)
install(CODE "
    set(_bin \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin\")
    file(GET_RUNTIME_DEPENDENCIES
        EXECUTABLES \"\${_bin}/$<TARGET_FILE_NAME:squad-console>\"
                    \"\${_bin}/$<TARGET_FILE_NAME:squadctl>\"
        LIBRARIES ${_squad_extra_libs}
        DIRECTORIES ${_squad_dll_dirs_quoted}
        RESOLVED_DEPENDENCIES_VAR _resolved
        UNRESOLVED_DEPENDENCIES_VAR _unresolved
        PRE_EXCLUDE_REGEXES \"^api-ms-\" \"^ext-ms-\" \"^[Qq]t6\"
        POST_EXCLUDE_REGEXES \"[Ss]ystem32\" \"[Ww]in[Ss]x[Ss]\")
    foreach(_dll IN LISTS _resolved ITEMS ${_squad_extra_libs})
        file(INSTALL \"\${_dll}\" DESTINATION \"\${_bin}\")
    endforeach()
    if(_unresolved)
        message(WARNING \"DLLs not found for the installers: \${_unresolved}\")
    endif()
")

# --- CPack: NSIS and WiX ------------------------------------------------------------------
set(CPACK_GENERATOR "NSIS;WIX")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Squad Console")
# Start-menu shortcut (both generators): bin/squad-console.exe, shown as "Squad Console".
set(CPACK_PACKAGE_EXECUTABLES "squad-console" "Squad Console")

# WiX accepts only .txt or .rtf; the text is copied so that any name works.
if(CPACK_RESOURCE_FILE_LICENSE AND EXISTS "${CPACK_RESOURCE_FILE_LICENSE}")
    set(_squad_license_source "${CPACK_RESOURCE_FILE_LICENSE}")
else()
    set(_squad_license_source "${SQUAD_WINDOWS_DIR}/license.txt")
endif()
configure_file("${_squad_license_source}" "${CMAKE_CURRENT_BINARY_DIR}/license.txt" COPYONLY)
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_CURRENT_BINARY_DIR}/license.txt")

set(CPACK_NSIS_PACKAGE_NAME "Squad Console")
set(CPACK_NSIS_DISPLAY_NAME "Squad Console ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON "${SQUAD_WINDOWS_ICON}")
set(CPACK_NSIS_MUI_UNIICON "${SQUAD_WINDOWS_ICON}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\squad-console.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH OFF)
set(CPACK_NSIS_MUI_FINISHPAGE_RUN "squad-console.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_MENU_LINKS "${PROJECT_HOMEPAGE_URL}" "Squad Console website")

# Never change this GUID: Windows Installer recognises later versions as upgrades of the
# installed one (and replaces it) only while it stays the same.
set(CPACK_WIX_UPGRADE_GUID "DEA69383-A17A-4409-A391-AF987D003D79")
set(CPACK_WIX_PRODUCT_ICON "${SQUAD_WINDOWS_ICON}")
set(CPACK_WIX_PROGRAM_MENU_FOLDER "Squad Console")
set(CPACK_WIX_ARCHITECTURE x64)
set(CPACK_WIX_PROPERTY_ARPURLINFOABOUT "${PROJECT_HOMEPAGE_URL}")

# Code signing of the programs before they are packed, when the certificate is given
# (WINDOWS_CERT_PFX_BASE64 / WINDOWS_CERT_PASSWORD, see sign.ps1); the installers themselves
# are signed after cpack (README, CI workflow).
list(APPEND CPACK_PRE_BUILD_SCRIPTS "${SQUAD_WINDOWS_DIR}/cpack-sign.cmake")
