#include "sbk_tools/inputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sbk_tools/fd_stream.hpp"

namespace sbk_tools {

namespace {

int report(std::string_view program, const std::string& message, const InputHooks& hooks) {
  if (hooks.on_idle) hooks.on_idle();
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(),
               message.c_str());
  return 1;
}

}  // namespace

int read_inputs(std::string_view program, const InputSelection& inputs, const RecordSink& sink,
                const InputHooks& hooks) {
  if (!inputs.follow.empty()) {
    if (auto err = follow_log(inputs.follow, sink, hooks, inputs.follow_options))
      return report(program, err->message(), hooks);
    return 0;
  }
  std::vector<std::string> files = inputs.files;
  if (files.empty()) files.push_back("-");
  for (const std::string& name : files) {
    const bool is_stdin = name == "-";
    const int fd = is_stdin ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return report(program, name + ": " + std::strerror(errno), hooks);
    auto err = decode_fd(fd, is_stdin ? "stdin" : name, sink, hooks);
    if (!is_stdin) ::close(fd);
    if (err) return report(program, err->message(), hooks);
  }
  return 0;
}

}  // namespace sbk_tools
