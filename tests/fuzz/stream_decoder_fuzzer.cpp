// libFuzzer target for the sbk_extract stream reader. The input is fed in
// pieces whose size depends on the input, each piece in its own
// exactly-sized heap block (freed after feed) so ASan sees any read past
// what was fed. Every returned record must re-encode to the bytes it was
// read from, and an error must point inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "sebekd_format/stream.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // a broken invariant is a finding
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The whole input is the stream (so the vectors are meaningful seeds);
  // the piece size varies with the input's length.
  const std::size_t piece = 1 + size % 251;
  const std::uint8_t* stream = data;
  const std::size_t n = size;

  sebekd_format::StreamDecoder d;
  std::vector<std::uint8_t> reencoded;
  std::uint64_t offset = 0;
  sebekd_format::StreamDecoder::Status status = sebekd_format::StreamDecoder::Status::NeedMore;
  for (std::size_t at = 0; at < n && status != sebekd_format::StreamDecoder::Status::Error; at += piece) {
    const std::size_t len = piece < n - at ? piece : n - at;
    auto block = std::make_unique<std::uint8_t[]>(len);
    std::memcpy(block.get(), stream + at, len);
    d.feed(std::span<const std::uint8_t>(block.get(), len));
    block.reset();
    sebekd_format::StreamRecord r;
    while ((status = d.next(r)) == sebekd_format::StreamDecoder::Status::Record) {
      check(r.header.version == sebekd_format::kVersion);
      check(r.data.size() == r.header.length);
      const std::size_t before = reencoded.size();
      sebekd_format::append_stream_record(reencoded, r);
      offset += reencoded.size() - before;
      check(d.offset() == offset);
    }
  }
  if (status != sebekd_format::StreamDecoder::Status::Error) status = d.finish();
  // The records returned are exactly the input's first bytes.
  check(reencoded.size() <= n);
  check(reencoded.empty() || std::memcmp(reencoded.data(), stream, reencoded.size()) == 0);
  if (status == sebekd_format::StreamDecoder::Status::Error) {
    check(d.error().offset == reencoded.size());
    check(d.error().offset < n);
    check(!d.error().message().empty());
  } else {
    check(reencoded.size() == n);  // a clean end consumed everything
  }
  return 0;
}
