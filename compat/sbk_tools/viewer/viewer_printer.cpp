#include "viewer_printer.hpp"

#include "ansi_color.hpp"
#include "sbk_tools/perl_format.hpp"

namespace sbk_tools {

// "[DATE Host:IP UID:U PID:P(PP) FD:F INO:I COM:C ]#"
void ViewerPrinter::append_header(const sebekd_format::StreamRecord& r, std::string_view uids,
                                  std::string_view comms, std::string& out) const {
  const sebekd_format::Header& h = r.header;
  out.push_back('[');
  append_datetime(out, h.time_sec);
  out.append(" Host:");
  append_ipv4(out, r.src_ip);
  out.append(" UID:").append(uids);
  out.append(" PID:");
  append_uint(out, h.pid);
  out.push_back('(');
  append_uint(out, h.ppid);
  out.append(") FD:");
  append_uint(out, h.fd);
  out.append(" INO:");
  append_uint(out, h.inode);
  out.append(" COM:").append(comms).append(" ]#");
}

void ViewerPrinter::on_record(const sebekd_format::StreamRecord& r, std::string& out) {
  const sebekd_format::Header& h = r.header;
  const std::string comm = perl_comm(h.comm);
  if (options_.type && *options_.type != h.type) return;
  if (options_.pid && *options_.pid != h.pid && *options_.pid != h.ppid) return;
  if (options_.comm && *options_.comm != comm) return;

  const std::string_view data(reinterpret_cast<const char*>(r.data.data()), r.data.size());
  scratch_.clear();
  AnsiColor color;
  if (is_keystroke_read(h)) {
    if (!assembler_.add(r, comm, line_)) return;
    if (options_.verbose)
      append_header(r, line_.uids, line_.coms, scratch_);
    else
      scratch_.append("\n#");
    scratch_.append(line_.text).push_back('\n');
    color = AnsiColor::Red;
  } else if (h.type == 1) {
    if (options_.verbose) {
      std::string uid;
      append_uint(uid, h.uid);
      append_header(r, uid, comm, scratch_);
      scratch_.push_back('\n');
      scratch_.append(data).push_back('\n');
    } else if (h.fd < 3 && h.length > 1) {
      // Standard streams only (higher fds are mostly encrypted network
      // traffic), and not the one-byte echo of each typed key.
      scratch_.append(data);
    } else {
      return;
    }
    color = AnsiColor::Blue;
  } else if (h.type == 2 || h.type == 3) {
    if (!options_.more_verbose) return;
    std::string uid;
    append_uint(uid, h.uid);
    append_header(r, uid, comm, scratch_);
    scratch_.push_back('\n');
    color = h.type == 2 ? AnsiColor::Green : AnsiColor::Black;
  } else {
    out.append("**** Error: Wrong syscall type \"");
    append_uint(out, h.type);
    out.append("\" received from net packet!\n\n");
    return;
  }
  append_colored(out, color, scratch_, options_.colors);
}

}  // namespace sbk_tools
