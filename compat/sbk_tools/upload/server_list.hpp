// The servers of -s: one, or a comma-separated list of Galera nodes that
// xebek-upload fails over between, each as
//   host            (with -P's port; "localhost" means the Unix socket,
//                    --socket's or the client library's default)
//   host:port       IPv6 addresses in brackets: [::1]:3306
//   /path/to.sock   a Unix socket of a server on this machine
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mariadb_session.hpp"

namespace sbk_tools::upload {

// The connection parameters of each server, the rest (user, password,
// database) taken from `base`. nullopt with `error` set on a malformed
// entry.
std::optional<std::vector<ConnectParams>> parse_server_list(const std::string& list,
                                                            const ConnectParams& base,
                                                            std::string& error);

// How a server is named in messages: "host:port" or "socket PATH".
std::string server_name(const ConnectParams& server);

}  // namespace sbk_tools::upload
