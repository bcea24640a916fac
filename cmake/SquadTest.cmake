# squad_add_test(NAME SOURCES ... LIBS ... [LABELS ...] [ENVIRONMENT ...] [ARGS ...]
#                [FIXTURES ...] [TARGET name] [GUI])
# One executable per tst_<unit>, registered with CTest and run offscreen.
# TARGET lets one executable be registered twice (for example once per database backend).
function(squad_add_test name)
    cmake_parse_arguments(T "GUI" "TARGET;TIMEOUT"
        "SOURCES;LIBS;LABELS;ENVIRONMENT;ARGS;FIXTURES" ${ARGN})
    set(exe ${name})
    if(T_TARGET)
        set(exe ${T_TARGET})
    endif()
    if(NOT TARGET ${exe})
        qt_add_executable(${exe} ${T_SOURCES})
        target_link_libraries(${exe} PRIVATE squad_common squad_testsupport Qt6::Test ${T_LIBS})
        target_compile_definitions(${exe} PRIVATE
            SQUAD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
            SQUAD_BINARY_DIR="${PROJECT_BINARY_DIR}")
    endif()
    add_test(NAME ${name} COMMAND ${exe} ${T_ARGS})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set_tests_properties(${name} PROPERTIES
        LABELS "${T_LABELS}"
        TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=*.debug=false;${T_ENVIRONMENT}")
    if(T_FIXTURES)
        set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
    endif()
endfunction()
