// The walleye_0_3 tables that sbk_upload.pl writes (as far as the Sebek
// tools use them), and Xebek's own progress table for resuming uploads.
#pragma once

#include <string>
#include <vector>

namespace sbk_tools::upload {

class Session;

// The tables a Walleye database must hold before an upload.
const std::vector<std::string>& walleye_tables();

// Which storage engine a Walleye database uses. MyISAM is the classic
// layout of a single server; InnoDB is the layout a Galera cluster
// replicates (a primary key on every table, ids assigned by xebek-upload).
enum class Engine { myisam, innodb };

// CREATE TABLE statements for every walleye_0_3 table (for --create-schema).
void create_walleye_tables(Session& session, Engine engine = Engine::myisam);

// The engine of the database's walleye tables (of its process table).
Engine detect_engine(Session& session);

// Throws DbError naming every walleye table the database lacks.
void require_walleye_tables(Session& session, const std::string& database);

// Creates xebek_upload_progress if it does not exist yet.
void ensure_progress_table(Session& session, Engine engine);

}  // namespace sbk_tools::upload
