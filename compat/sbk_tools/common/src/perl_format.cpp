#include "sbk_tools/perl_format.hpp"

#include <charconv>

#include "sebekd_format/byte_order.hpp"

namespace sbk_tools {

std::string perl_comm(const sebekd_format::Comm& comm) {
  std::string s;
  s.reserve(comm.size());
  for (char c : comm)
    if (c != '\0') s.push_back(c);
  return s;
}

namespace {

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
// civil_from_days algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

void append_2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

}  // namespace

void append_datetime(std::string& out, std::uint32_t time_sec) {
  // Records come in time order, so most share the date of the previous one.
  thread_local std::int64_t cached_day = -1;
  thread_local char cached_date[11];
  const std::int64_t day = time_sec / 86400;
  if (day != cached_day) {
    std::int64_t y;
    unsigned m, d;
    civil_from_days(day, y, m, d);
    std::string date;
    append_uint(date, static_cast<std::uint64_t>(y));  // 1970..2106: four digits
    date.push_back('-');
    append_2(date, m);
    date.push_back('-');
    append_2(date, d);
    date.copy(cached_date, 10);
    cached_date[10] = '\0';
    cached_day = day;
  }
  out.append(cached_date, 10);
  const unsigned secs = time_sec % 86400;
  out.push_back(' ');
  append_2(out, secs / 3600);
  out.push_back(':');
  append_2(out, secs / 60 % 60);
  out.push_back(':');
  append_2(out, secs % 60);
}

void append_uint(std::string& out, std::uint64_t value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void append_ipv4(std::string& out, std::uint32_t addr) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    append_uint(out, (addr >> shift) & 0xff);
    if (shift) out.push_back('.');
  }
}

PerlSocketFields perl_unpack_socket(std::span<const std::uint8_t> data) {
  static constexpr std::size_t kSizes[6] = {4, 2, 4, 2, 2, 1};  // N n N n n C
  PerlSocketFields f;
  std::size_t pos = 0, filled = 0;
  for (std::size_t size : kSizes) {
    if (data.size() - pos < size) continue;
    const std::uint8_t* p = data.data() + pos;
    f.values[filled++] = size == 4 ? sebekd_format::load_be32(p) : size == 2 ? sebekd_format::load_be16(p) : *p;
    pos += size;
  }
  return f;
}

}  // namespace sbk_tools
