#include "diag_printer.hpp"

#include "sbk_tools/perl_format.hpp"

namespace sbk_tools {

namespace {

// "[DATE  type=(T) ip=(A) pid=(PP:P) command=(C) uid=(U) inode=(I) fd=(F) len=(L)"
void append_common(const sebekd_format::StreamRecord& r, std::string_view type, std::string& out) {
  const sebekd_format::Header& h = r.header;
  out.push_back('[');
  append_datetime(out, h.time_sec);
  out.append("  type=(").append(type).append(") ip=(");
  append_ipv4(out, r.src_ip);
  out.append(") pid=(");
  append_uint(out, h.ppid);
  out.push_back(':');
  append_uint(out, h.pid);
  out.append(") command=(").append(perl_comm(h.comm)).append(") uid=(");
  append_uint(out, h.uid);
  out.append(") inode=(");
  append_uint(out, h.inode);
  out.append(") fd=(");
  append_uint(out, h.fd);
  out.append(") len=(");
  append_uint(out, h.length);
  out.push_back(')');
}

// An undefined unpack value prints as nothing; as an address, 0.0.0.0.
void append_opt(std::string& out, const std::optional<std::uint32_t>& v) {
  if (v) append_uint(out, *v);
}

}  // namespace

void append_diag_line(const sebekd_format::StreamRecord& r, std::string& out) {
  switch (r.header.type) {
    case 0:
    case 1:
    case 3: {
      // The original names reads and opens; writes keep their number.
      const std::string_view type = r.header.type == 0 ? "sys_read"
                                    : r.header.type == 3 ? "sys_open"
                                                         : "1";
      append_common(r, type, out);
      out.push_back(']');
      out.append(reinterpret_cast<const char*>(r.data.data()), r.data.size());
      out.push_back('\n');
      return;
    }
    case 2: {
      const PerlSocketFields f = perl_unpack_socket(r.data);
      const auto& [dip, dport, sip, sport, call, proto] = f.values;
      append_common(r, "sys_socket", out);
      out.append(" call=(");
      append_opt(out, call);
      out.append(") inode=(");
      append_uint(out, r.header.inode);
      out.append(")]  ");
      append_opt(out, proto);
      out.append(":  ");
      append_ipv4(out, sip.value_or(0));
      out.push_back(':');
      append_opt(out, sport);
      out.append(" -> ");
      append_ipv4(out, dip.value_or(0));
      out.push_back(':');
      append_opt(out, dport);
      out.push_back('\n');
      return;
    }
    default:
      return;
  }
}

}  // namespace sbk_tools
