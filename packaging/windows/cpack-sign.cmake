# CPACK_PRE_BUILD_SCRIPTS hook (Windows): signs the two programs in CPack's staging tree before
# NSIS/WiX pack them, when a certificate is given; without one the installers are unsigned.
# CPack defines CPACK_TEMPORARY_INSTALL_DIRECTORY for the generator being run.
if(NOT DEFINED ENV{WINDOWS_CERT_PFX_BASE64} OR "$ENV{WINDOWS_CERT_PFX_BASE64}" STREQUAL "")
    message(STATUS "WINDOWS_CERT_PFX_BASE64 not set: the programs are not signed")
    return()
endif()
set(_staging "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
if(NOT _staging)
    set(_staging "${CPACK_TEMPORARY_DIRECTORY}")   # its undocumented twin
endif()
file(GLOB_RECURSE _programs "${_staging}/*/squad-console.exe" "${_staging}/*/squadctl.exe")
if(NOT _programs)
    message(FATAL_ERROR "no squad-console.exe / squadctl.exe under ${_staging}")
endif()
execute_process(
    COMMAND powershell -NoProfile -ExecutionPolicy Bypass
            -File "${CMAKE_CURRENT_LIST_DIR}/sign.ps1" ${_programs}
    RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "signing the programs failed (sign.ps1 exit code ${_rc})")
endif()
