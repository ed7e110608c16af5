# Writes OUT, a C++ source defining `const std::string_view NAME` that holds
# the bytes of IN, so that a program carries a web asset inside itself.
# Usage: cmake -DIN=file -DOUT=file.cpp -DNAME=identifier [-DFORBID=text]
#        -P embed_asset.cmake
# FORBID: text the asset must not contain (say "</script", for an asset the
# page inlines in a <script> element).
file(READ "${IN}" content)
if(DEFINED FORBID AND NOT FORBID STREQUAL "")
  string(FIND "${content}" "${FORBID}" found)
  if(NOT found EQUAL -1)
    message(FATAL_ERROR "${IN} contains ${FORBID}: it cannot be inlined in the report")
  endif()
endif()
set(delim "xebek_asset")
string(FIND "${content}" ")${delim}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string delimiter )${delim}\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN}; do not edit.\n#include <string_view>\n"
  "namespace xebek_report {\nextern const std::string_view ${NAME};\n"
  "const std::string_view ${NAME} = R\"${delim}(${content})${delim}\";\n}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
