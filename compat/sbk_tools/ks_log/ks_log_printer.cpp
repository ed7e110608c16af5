#include "ks_log_printer.hpp"

#include "sbk_tools/perl_format.hpp"

namespace sbk_tools {

void KsLogPrinter::on_record(const sebekd_format::StreamRecord& r, std::string& out) {
  if (!is_keystroke_read(r.header)) return;
  const std::string comm = perl_comm(r.header.comm);
  if (!assembler_.add(r, comm, line_)) return;
  out.push_back('[');
  append_datetime(out, r.header.time_sec);
  out.append(" Host:");
  append_ipv4(out, r.src_ip);
  out.append(" UID:").append(line_.uids);
  out.append(" PID:");
  append_uint(out, r.header.pid);
  out.append(" FD:");
  append_uint(out, r.header.fd);
  out.append(" INO:");
  append_uint(out, r.header.inode);
  out.append(" COM:").append(line_.coms);
  out.append(" ]#").append(line_.text).push_back('\n');
}

}  // namespace sbk_tools
