// libFuzzer target: hostile captures through the analysis tools' model and
// every view of it. The first byte picks the form of the rest:
//   even: an sbk_extract stream, that byte included (Sebek records as
//         xebek-sessions reads them; a golden stream starts with an even byte)
//   odd:  compact synthetic activities (action, pid, ppid, fd, inode, data)
//         reaching what Sebek cannot carry: exec payloads, native socket
//         fields, IPv6, parent loops and pid reuse.
// Each activity also becomes an ECS line; at the end the tree (text and
// JSON) and the session index are rendered, and casts are built in memory.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ecs_line.hpp"
#include "sebekd_format/stream.hpp"
#include "xebek_tools/capture_model.hpp"
#include "xebek_tools/cast_directory.hpp"
#include "xebek_tools/json_text.hpp"
#include "xebek_tools/record_conversion.hpp"
#include "xebek_tools/session_index.hpp"
#include "xebek_tools/tree_view.hpp"

namespace {

namespace xt = xebek_tools;

// A cast rendered into memory, as CastDirectory renders it into files.
class MemoryCasts : public xt::SessionListener {
 public:
  void on_event(const xt::TerminalEvent& e) override {
    (e.kind == 'i' ? in_ : out_).append_json(text_, e.data);
    if (text_.size() > 8192) text_.clear();
  }
  void on_command(const xt::Session& s, const std::string& c) override {
    text_ += xt::cast_title(std::to_string(s.host), s) + c;
  }

 private:
  std::string text_;
  xt::Utf8Carry in_, out_;
};

void add(xt::CaptureModel& model, std::string& out, const xt::Activity& a) {
  const std::int64_t p = model.add(a);
  xebek_export::append_ecs_line(out, model, a, p);
  if (out.size() > 8192) out.clear();
}

void feed_stream(xt::CaptureModel& model, std::string& out, const std::uint8_t* data,
                 std::size_t size) {
  sebekd_format::StreamDecoder d;
  d.feed({data, size});
  sebekd_format::StreamRecord r;
  while (d.next(r) == sebekd_format::StreamDecoder::Status::Record)
    add(model, out, xt::activity_from_sebek(r, model.hosts.intern_ipv4(r.src_ip)));
}

void feed_synthetic(xt::CaptureModel& model, std::string& out, const std::uint8_t* data,
                    std::size_t size) {
  const std::uint32_t host = model.hosts.intern("fuzz");
  std::uint64_t t = 1'700'000'000'000'000'000ull;
  std::size_t at = 0;
  while (at + 8 <= size) {
    const std::uint8_t* h = data + at;
    xt::Activity a;
    a.host = host;
    a.native = true;
    a.action = static_cast<xt::Action>(h[0] % 8);
    a.pid = a.tgid = h[1] % 16;
    if (h[0] & 0x80) a.pid += 100;  // a thread of the process
    a.ppid = h[2] % 16;
    a.fd = h[3] % 4;
    a.inode = h[4] % 3;
    a.uid = h[5] % 2;
    a.time_ns = t += (h[6] & 0x40) ? 0 : 1000;  // sometimes no progress
    a.set_comm(std::string_view(reinterpret_cast<const char*>(h), 8));
    const std::size_t len = std::min<std::size_t>(h[7], size - at - 8);
    a.data = {data + at + 8, len};
    if (a.action == xt::Action::Socket && len >= 8) {
      a.socket.family = (h[8] & 1) ? 10 : 2;
      a.socket.call = h[9] % 20;
      a.socket.proto = h[10];
      a.socket.local_port = static_cast<std::uint16_t>(h[11] << 8 | h[12]);
      for (std::size_t i = 0; i < 16 && 8 + i < len; ++i) a.socket.remote_addr[i] = h[8 + i];
    }
    a.lost = h[6];
    add(model, out, a);
    at += 8 + len;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  xt::CaptureModel model;
  MemoryCasts casts;
  model.sessions.set_listener(&casts);
  std::string out;
  if (data[0] & 1)
    feed_synthetic(model, out, data + 1, size - 1);
  else
    feed_stream(model, out, data, size);  // the selector byte is the stream's first
  model.processes.link_parents();
  std::string views;
  xt::append_tree_text(views, model);
  xt::append_tree_json(views, model);
  xt::append_index_text(views, model);
  xt::append_index_json(views, model);
  return 0;
}
