# Writes one man page with help2man (cmake -P). The NAME line is the
# program's one-line summary, the first line of its --help after the usage
# lines, so that the page says nothing --help does not.
#   -DHELP2MAN=path -DPROGRAM=path -DSECTION=1|8 -DOUT=page [-DINCLUDE=file.h2m]
execute_process(COMMAND "${PROGRAM}" --help
  OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} --help exited with ${status}")
endif()
string(REPLACE "\n" ";" lines "${help}")
set(summary "")
foreach(line IN LISTS lines)
  if(line MATCHES "^Usage: " OR line MATCHES "^  or: " OR line STREQUAL "")
    continue()
  endif()
  set(summary "${line}")
  break()
endforeach()
if(summary STREQUAL "")
  message(FATAL_ERROR "${PROGRAM} --help: no one-line summary after the usage lines")
endif()
# "Print the tree." becomes the NAME line "... \- print the tree".
string(REGEX REPLACE "\\.$" "" summary "${summary}")
string(SUBSTRING "${summary}" 0 1 first)
string(SUBSTRING "${summary}" 1 -1 rest)
string(TOLOWER "${first}" first)
set(summary "${first}${rest}")

set(include_args)
if(INCLUDE)
  set(include_args --include "${INCLUDE}")
endif()
execute_process(COMMAND "${HELP2MAN}" --no-info --section "${SECTION}" --name "${summary}"
                        ${include_args} --output "${OUT}.tmp" "${PROGRAM}"
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "help2man failed for ${PROGRAM}")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
