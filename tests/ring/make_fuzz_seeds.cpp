// Writes the seed corpus of ring_consumer_fuzzer: valid ring images made
// by the real producer (empty, every record type, wrapped with padding,
// loss records, partly consumed, batch-sized notify request).
#include "fuzz_image.hpp"

#include "xebek0/consumer.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace xebek_test;

namespace {

void put(HeapRing& r, unsigned type, const std::string& payload) {
  xebek_rec t = make_rec(type);
  xebek_produce(&r.prod, &t, payload.data(), static_cast<uint32_t>(payload.size()));
}

void save(const std::filesystem::path& dir, const std::string& name, const std::string& img) {
  std::ofstream(dir / name, std::ios::binary) << img;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: ring_fuzz_seeds DIR\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);

  HeapRing empty(0);
  save(dir, "empty", image_of(empty, 15));

  HeapRing all(1);
  put(all, XEBEK_REC_READ, "k");
  put(all, XEBEK_REC_WRITE, "hello world\n");
  put(all, XEBEK_REC_OPEN, "/etc/passwd");
  xebek_sock s{};
  s.family = XEBEK_AF_INET;
  s.call = 3;
  s.proto = 6;
  put(all, XEBEK_REC_SOCKET, std::string(reinterpret_cast<const char*>(&s), sizeof s));
  put(all, XEBEK_REC_FORK, "");
  put(all, XEBEK_REC_EXEC, std::string("/bin/sh\0sh\0-c\0id\0", 17));
  save(dir, "every_type", image_of(all, 3));

  HeapRing wrapped(0);
  {
    xebek0::Consumer c(wrapped);
    for (int i = 0; i < 7; ++i) {
      put(wrapped, XEBEK_REC_WRITE, std::string(700, 'w'));
      c.poll();
      c.commit();
    }
    put(wrapped, XEBEK_REC_READ, std::string(900, 'r'));
    c.arm_notify(512);
  }
  save(dir, "wrapped_with_pad", image_of(wrapped, 0));

  HeapRing lossy(0);
  for (int i = 0; i < 60; ++i) put(lossy, XEBEK_REC_READ, "x");
  {
    xebek0::Consumer c(lossy);
    c.poll();
    c.commit();
  }
  put(lossy, XEBEK_REC_READ, "after the loss");
  save(dir, "loss_records", image_of(lossy, 255));
  return 0;
}
