# CPACK_PRE_BUILD_SCRIPTS hook (macOS): signs the staged squad-console.app with the hardened
# runtime before DragNDrop puts it in the DMG, when MACOS_SIGN_IDENTITY is set; without it the
# bundle keeps the ad-hoc signatures macdeployqt/the linker gave it (fine for local testing).
if(NOT DEFINED ENV{MACOS_SIGN_IDENTITY} OR "$ENV{MACOS_SIGN_IDENTITY}" STREQUAL "")
    message(STATUS "MACOS_SIGN_IDENTITY not set: squad-console.app is not signed for distribution")
    return()
endif()
# The staging tree: CPACK_TEMPORARY_INSTALL_DIRECTORY (CPACK_TEMPORARY_DIRECTORY, its twin, as
# a fallback; neither is documented, both are set by every generator).
set(_staging "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
if(NOT _staging)
    set(_staging "${CPACK_TEMPORARY_DIRECTORY}")
endif()
file(GLOB _apps LIST_DIRECTORIES true
    "${_staging}/squad-console.app"
    "${_staging}/*/squad-console.app")
if(NOT _apps)
    message(FATAL_ERROR "no squad-console.app under ${_staging}")
endif()
foreach(_app IN LISTS _apps)
    execute_process(COMMAND "${CMAKE_CURRENT_LIST_DIR}/sign-and-notarize.sh" sign "${_app}"
        RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "signing ${_app} failed (sign-and-notarize.sh exit code ${_rc})")
    endif()
endforeach()
