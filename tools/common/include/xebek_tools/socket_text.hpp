// How the tools name socket operations, protocols and addresses.
#pragma once

#include <string>

#include "xebek_tools/activity.hpp"

namespace xebek_tools {

// "connect", "accept", "listen", "sendto", ... or "socketcall N".
std::string socket_call_name(std::uint16_t call);
// "tcp", "udp", "icmp" or the number.
std::string protocol_name(std::uint8_t proto);
std::string local_address(const SocketActivity& s);
std::string remote_address(const SocketActivity& s);
// True when the peer started the exchange (accept, receive): the remote
// end is then the source in ECS terms.
bool is_inbound(const SocketActivity& s);

}  // namespace xebek_tools
