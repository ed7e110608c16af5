// The baseline of the upload benchmark: records written the way
// sbk_upload.pl writes them, one statement and one round trip at a time
// (per record: SELECT the process, UPDATE or INSERT it and its parents,
// SELECT the command and the process_to_com pair, INSERT the row), with ids
// assigned by the server. Its rows must equal xebek-upload's.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "mariadb_session.hpp"
#include "sebekd_format/stream.hpp"

namespace upload_bench {

class PerRecordBaseline {
 public:
  PerRecordBaseline(sbk_tools::upload::Session& session, std::uint32_t sensor_id);
  void upload(const sebekd_format::StreamRecord& r);

 private:
  using Statement = sbk_tools::upload::Statement;
  std::optional<std::uint32_t> add_process(std::uint32_t ip, std::uint32_t pid, std::uint32_t ppid,
                                           std::uint32_t pcap_time, std::uint32_t time);
  std::uint32_t add_command(const std::string& name, std::optional<std::uint32_t> process_id);
  std::optional<std::int64_t> select(Statement& s, std::initializer_list<std::int64_t> ints,
                                     const std::string* text = nullptr);
  void run(Statement& s, std::initializer_list<std::int64_t> ints,
           const std::string* bytes = nullptr);

  std::uint32_t sensor_id_;
  std::unique_ptr<Statement> check_pid_, get_new_id_, add_process_, upd_min_, upd_max_,
      upd_pmin_, upd_pmax_, add_tree_, get_com_, add_com_, get_p2c_, add_p2c_, add_read_,
      add_open_;
  std::map<std::string, std::uint32_t> command_cache_;
  std::set<std::pair<std::int64_t, std::uint32_t>> p2c_cache_;
};

}  // namespace upload_bench
