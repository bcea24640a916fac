# cmake -DVERSION=x.y.z -DSQUADCTL=... -DSQUAD_CONSOLE=... -DMETAINFO=... -P check-version.cmake
# Both programs' --version prints project(VERSION), the GUI's without any display (it answers
# before a QApplication exists), and the newest release in the AppStream metainfo is that
# version: a version bump comes with its release notes.
foreach(var VERSION SQUADCTL SQUAD_CONSOLE METAINFO)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "${var} not given")
    endif()
endforeach()

function(check_version program name)
    execute_process(
        COMMAND ${CMAKE_COMMAND} -E env
            --unset=DISPLAY --unset=WAYLAND_DISPLAY --unset=QT_QPA_PLATFORM
            ${program} --version
        RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
        OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT status EQUAL 0 OR NOT out STREQUAL "${name} ${VERSION}")
        message(FATAL_ERROR "${name} --version: exit status ${status}, printed \"${out}\" "
            "(expected \"${name} ${VERSION}\"); stderr: ${err}")
    endif()
    message(STATUS "${name} --version: ${out}")
endfunction()

check_version(${SQUADCTL} squadctl)
check_version(${SQUAD_CONSOLE} squad-console)

file(READ ${METAINFO} metainfo)
if(NOT metainfo MATCHES "<release version=\"([^\"]+)\"")
    message(FATAL_ERROR "${METAINFO} has no <release>")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL VERSION)
    message(FATAL_ERROR "the newest <release> in ${METAINFO} is ${CMAKE_MATCH_1}, the project "
        "is ${VERSION}: add the release notes of ${VERSION} at the top of <releases>")
endif()
message(STATUS "metainfo's newest release: ${CMAKE_MATCH_1}")
