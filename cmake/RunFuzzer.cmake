# Runs one libFuzzer target for a bounded time on a fresh copy of its seeds.
# Invoked by ctest through xebek_add_fuzzer(); fails on any crash or report.
file(REMOVE_RECURSE "${CORPUS}")
file(MAKE_DIRECTORY "${CORPUS}")
foreach(seed IN LISTS SEEDS)
  if(IS_DIRECTORY "${seed}")
    file(GLOB files "${seed}/*")
    file(COPY ${files} DESTINATION "${CORPUS}")
  elseif(EXISTS "${seed}")
    file(COPY "${seed}" DESTINATION "${CORPUS}")
  else()
    message(FATAL_ERROR "fuzz seed ${seed} is missing")
  endif()
endforeach()
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 "${CORPUS}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer ${FUZZER} failed (exit ${rc})")
endif()
