// One native log entry as one line of text: every field, the Sebek
// counters and stream range it maps to, and the payload escaped.
#pragma once

#include <string>

#include "xebekd/native_log.hpp"

namespace native_dump {

struct TextOptions {
  bool data = true;  // print the payload (else only its length)
};

void append_entry_line(std::string& out, const xebekd::NativeEntry& e, const TextOptions& opt);

}  // namespace native_dump
