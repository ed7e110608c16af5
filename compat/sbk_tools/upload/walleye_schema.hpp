// The walleye_0_3 tables that sbk_upload.pl writes (as far as the Sebek
// tools use them), and Xebek's own progress table for resuming uploads.
#pragma once

#include <string>
#include <vector>

namespace xebek::upload {

class Session;

// The tables a Walleye database must hold before an upload.
const std::vector<std::string>& walleye_tables();

// CREATE TABLE statements for every walleye_0_3 table (for --create-schema).
void create_walleye_tables(Session& session);

// Throws DbError naming every walleye table the database lacks.
void require_walleye_tables(Session& session, const std::string& database);

// Creates xebek_upload_progress if it does not exist yet.
void ensure_progress_table(Session& session);

}  // namespace xebek::upload
