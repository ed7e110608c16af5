#include "server_list.hpp"

#include <charconv>

namespace sbk_tools::upload {

namespace {

std::optional<unsigned> parse_port(const std::string& text) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535)
    return std::nullopt;
  return port;
}

// One entry of the list; false when it cannot be read.
bool parse_entry(const std::string& entry, ConnectParams& server) {
  if (entry.starts_with('/')) {
    server.host = "localhost";
    server.socket = entry;
    return true;
  }
  std::string host = entry, port;
  if (entry.starts_with('[')) {
    const std::size_t close = entry.find(']');
    if (close == std::string::npos) return false;
    host = entry.substr(1, close - 1);
    if (close + 1 < entry.size()) {
      if (entry[close + 1] != ':') return false;
      port = entry.substr(close + 2);
      if (port.empty()) return false;
    }
  } else if (const std::size_t colon = entry.rfind(':'); colon != std::string::npos) {
    host = entry.substr(0, colon);
    port = entry.substr(colon + 1);
  }
  if (host.empty()) return false;
  server.host = host;
  if (!port.empty()) {
    const auto p = parse_port(port);
    if (!p) return false;
    server.port = *p;
    // An explicit port means TCP, even to localhost.
    if (host == "localhost") server.host = "127.0.0.1";
    server.socket.clear();
  }
  return true;
}

}  // namespace

std::optional<std::vector<ConnectParams>> parse_server_list(const std::string& list,
                                                            const ConnectParams& base,
                                                            std::string& error) {
  std::vector<ConnectParams> servers;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    const std::string entry = list.substr(start, comma == std::string::npos ? std::string::npos
                                                                             : comma - start);
    ConnectParams server = base;
    if (!parse_entry(entry, server)) {
      error = "-s: '" + entry + "' is not host, host:port or /path/to/socket";
      return std::nullopt;
    }
    servers.push_back(server);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return servers;
}

std::string server_name(const ConnectParams& s) {
  if (!s.socket.empty()) return "socket " + s.socket;
  return (s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host) + ":" +
         std::to_string(s.port);
}

}  // namespace sbk_tools::upload
