# Helpers every test folder uses, so that labels, sanitizers and fuzzing are
# set up the same way everywhere.
#
#   xebek_add_gtest(NAME SOURCES a.cpp ... [LIBS lib ...] [LABELS l ...])
#       one GoogleTest executable; each TEST() becomes its own ctest case.
#   xebek_add_fuzzer(NAME SOURCES f.cpp ... [LIBS lib ...] [SEEDS dir|file ...])
#       a libFuzzer target (only with XEBEK_FUZZ=ON, clang); ctest runs it
#       for XEBEK_FUZZ_SECONDS on a corpus copied from SEEDS; a crash, leak,
#       sanitizer report or timeout fails the test.
include(GoogleTest)

function(xebek_add_gtest name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_LIBS} GTest::gtest GTest::gtest_main)
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  # gtest_discover_tests splits a list-valued ENVIRONMENT property into
  # separate arguments, so the test environment is set by running each test
  # (and the discovery) through env(1) instead.
  set_property(TARGET ${name} PROPERTY CROSSCOMPILING_EMULATOR env
    XEBEK_VECTORS=${CMAKE_SOURCE_DIR}/tests/vectors
    XEBEK_SOURCE_DIR=${CMAKE_SOURCE_DIR}
    XEBEK_BINARY_DIR=${CMAKE_BINARY_DIR})
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${A_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()

function(xebek_add_fuzzer name)
  if(NOT XEBEK_FUZZ)
    return()
  endif()
  cmake_parse_arguments(A "" "" "SOURCES;LIBS;SEEDS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(corpus "${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus")
  add_test(NAME fuzz.${name}
    COMMAND ${CMAKE_COMMAND}
      -DFUZZER=$<TARGET_FILE:${name}> -DCORPUS=${corpus}
      "-DSEEDS=${A_SEEDS}" -DSECONDS=${XEBEK_FUZZ_SECONDS}
      -P ${CMAKE_SOURCE_DIR}/cmake/RunFuzzer.cmake)
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz
    TIMEOUT 600)
endfunction()
