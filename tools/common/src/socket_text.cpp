#include "xebek_tools/socket_text.hpp"

#include <arpa/inet.h>

namespace xebek_tools {

namespace {

std::string address_text(std::uint16_t family, const std::array<std::uint8_t, 16>& addr) {
  if (family == 1) return "unix";  // a socketpair's end has no address
  char buf[INET6_ADDRSTRLEN] = {};
  const int af = family == 10 ? AF_INET6 : AF_INET;
  if (!inet_ntop(af, addr.data(), buf, sizeof buf)) return "?";
  return buf;
}

}  // namespace

std::string socket_call_name(std::uint16_t call) {
  switch (call) {
    case 1: return "socket";
    case 2: return "bind";
    case 3: return "connect";
    case 4: return "listen";
    case 5: return "accept";
    case 8: return "socketpair";
    case 9: return "send";
    case 10: return "recv";
    case 11: return "sendto";
    case 12: return "recvfrom";
    case 16: return "sendmsg";
    case 17: return "recvmsg";
    case 18: return "accept4";
    default: return "socketcall " + std::to_string(call);
  }
}

std::string protocol_name(std::uint8_t proto) {
  switch (proto) {
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "ipv6-icmp";
    default: return std::to_string(proto);
  }
}

std::string local_address(const SocketActivity& s) { return address_text(s.family, s.local_addr); }
std::string remote_address(const SocketActivity& s) {
  return address_text(s.family, s.remote_addr);
}

bool is_inbound(const SocketActivity& s) {
  return s.call == 5 || s.call == 18 || s.call == 10 || s.call == 12 || s.call == 17 ||
         s.call == 4;
}

}  // namespace xebek_tools
