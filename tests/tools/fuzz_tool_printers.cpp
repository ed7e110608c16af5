// libFuzzer target: arbitrary bytes as an sbk_extract stream through the
// decoder and every printer of xebek-ks-log, xebek-viewer and xebek-diag
// (socket bodies of any size, comms without NUL, lines that never end). The
// last byte picks the viewer's options so that filters and colours are
// exercised too (last, so that a golden stream as seed still decodes).
#include <cstddef>
#include <cstdint>
#include <string>

#include "diag_printer.hpp"
#include "ks_log_printer.hpp"
#include "viewer_printer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[size - 1];
  sbk_tools::ViewerOptions o;
  o.verbose = flags & 1;
  o.more_verbose = flags & 2;
  o.colors = flags & 4;
  if (flags & 8) o.type = static_cast<std::uint16_t>((flags >> 4) & 1);
  if (flags & 32) o.pid = 1234;
  if (flags & 64) o.comm = "bash";

  sbk_tools::KsLogPrinter ks;
  sbk_tools::ViewerPrinter viewer(o);
  std::string out;
  sebekd_format::StreamDecoder d;
  // Two feeds, so records that straddle a feed boundary are covered.
  const std::size_t stream = size - 1, half = stream / 2;
  for (auto [at, n] : {std::pair{std::size_t{0}, half}, {half, stream - half}}) {
    d.feed(std::span<const std::uint8_t>(data + at, n));
    sebekd_format::StreamRecord r;
    while (d.next(r) == sebekd_format::StreamDecoder::Status::Record) {
      ks.on_record(r, out);
      viewer.on_record(r, out);
      sbk_tools::append_diag_line(r, out);
      if (out.size() > 4096) out.clear();
    }
  }
  d.finish();
  return 0;
}
