# reliability.cmake - the tests of issue 6 that are not one folder's suite (included by
# tests/CMakeLists.txt):
#  - limits: the run-cost estimator of sim/core/limits.c, pure C (no SystemC linked);
#  - errors_doc: docs/errors.md lists exactly the bad-input corpora (scripts/errors-doc);
#  - valgrind_<suite>: memcheck over the pure-C suites (label valgrind; needs valgrind and
#    a build without sanitizers, whose runtime valgrind cannot run under);
#  - bad_inputs, safety, determinism: the neuspin executable end to end (tests/sim/*.sh).

ns_check(NAME check_limits
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sim/check_limits_main.c
          ${CMAKE_CURRENT_SOURCE_DIR}/sim/check_limits.c ${CMAKE_SOURCE_DIR}/sim/core/limits.c
  LIBS workloads
  SUITES limits
  LABELS sim)
target_include_directories(check_limits PRIVATE ${CMAKE_SOURCE_DIR}/sim/core ${CMAKE_CURRENT_SOURCE_DIR})

add_test(NAME errors_doc COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/errors-doc --check)
set_tests_properties(errors_doc PROPERTIES LABELS "docs")

# Valgrind: CK_FORK=no so memcheck sees the test code itself (in fork mode the tests run in
# children it would follow, and Check's own exit paths would be counted); one ctest entry per
# suite like the normal runs.  --error-exitcode makes any error fail the test;
# tests/valgrind.supp suppresses third-party reports only.  A test that must abort (a
# SIM_BUG check, tcase_add_test_raise_signal) cannot run without fork: its tcase carries the
# tag "aborts", excluded here (the normal and sanitizer runs keep it), as are tests tagged
# "slow" (networks of 100,000 layers: minutes under memcheck, no new code paths).
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT NEUSPIN_SANITIZE AND NOT NEUSPIN_FUZZ)
  set(NS_VALGRIND ${VALGRIND} --tool=memcheck --error-exitcode=1 --leak-check=full
      --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible
      --track-origins=yes --quiet
      --suppressions=${CMAKE_CURRENT_SOURCE_DIR}/valgrind.supp)
  foreach(pair models:energy models:xbar models:wldec models:senseamp models:tile models:sbuf
               models:bus models:periph models:drng models:arb models:dmask
               arch:diag arch:yamldoc arch:arch arch:configs arch:include
               workloads:wl workloads:wl_map workloads:wl_prog workloads:wl_schema traces:trc
               trc_fs:trc_fs sha256:sha256 limits:limits)
    string(REPLACE ":" ";" p ${pair})
    list(GET p 0 bin)
    list(GET p 1 suite)
    add_test(NAME valgrind_${suite} COMMAND ${NS_VALGRIND} $<TARGET_FILE:check_${bin}>)
    set_tests_properties(valgrind_${suite} PROPERTIES LABELS "valgrind"
      ENVIRONMENT "CK_RUN_SUITE=${suite};CK_FORK=no;CK_EXCLUDE_TAGS=aborts slow")
  endforeach()
  foreach(h ${NS_FUZZ_HARNESSES})
    add_test(NAME valgrind_${h}_replay
             COMMAND ${NS_VALGRIND} $<TARGET_FILE:${h}_replay>
                     ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${h}
                     ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/${h})
    set_tests_properties(valgrind_${h}_replay PROPERTIES LABELS "valgrind")
  endforeach()
endif()

if(NEUSPIN_WITH_SYSTEMC)
  foreach(t bad_inputs safety determinism)
    add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sim/${t}_test.sh
                               $<TARGET_FILE:neuspin> ${CMAKE_SOURCE_DIR})
    # detect_leaks=0 for SystemC processes: see tests/sim/CMakeLists.txt
    set_tests_properties(${t} PROPERTIES LABELS "sim;reliability"
      ENVIRONMENT "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1;ASAN_OPTIONS=detect_leaks=0:abort_on_error=1")
  endforeach()
endif()
