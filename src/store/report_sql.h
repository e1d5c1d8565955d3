// The report queries, written once in SQL both SQLite and PostgreSQL accept (numbered
// parameters are spelled ?N for SQLite and $N for PostgreSQL; report_sql() swaps them).
// Parameters: 1 from, 2 to, 3 app ('' = any), 4 deployment ('' = any), 5 the deployments whose
// calls the reader may see (label_set.h; '*' = all), 6 limit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/label_set.h"

namespace keyline::store {

// One row per call: start, answer, end, exit reason, transferred (0/1 or f/t).
inline constexpr const char* kCallSamplesSql =
    "SELECT c.start_unix_ms, c.answer_unix_ms, c.end_unix_ms, c.exit_reason, "
    "CASE WHEN EXISTS (SELECT 1 FROM call_log_visits v WHERE v.call_id = c.call_id "
    "AND v.type = 'transfer' AND (v.result = 'done' OR v.result LIKE 'done:%' "
    "OR v.result LIKE 'far_end_disconnect%' OR v.result LIKE 'maxtime_disconnect%')) "
    "THEN 1 ELSE 0 END "
    "FROM call_logs c WHERE c.start_unix_ms >= ?1 AND c.start_unix_ms < ?2 "
    "AND (?3 = '' OR c.app = ?3) AND (?4 = '' OR c.deployment = ?4) "
    "AND (?5 = '*' OR instr(?5, ',' || c.deployment || ',') > 0) "
    "ORDER BY c.start_unix_ms LIMIT ?6";

// One row per (page, module, type): visits, noinput exits, nomatch exits. The interpreter's
// own bookkeeping rows (global error handling, recording pauses) are not module visits.
// Only names and counts are selected: a visit's result text never leaves the database.
inline constexpr const char* kModuleCountsSql =
    "SELECT v.page, v.module, v.type, COUNT(*), "
    "SUM(CASE WHEN v.result = 'noinput' THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN v.result = 'nomatch' THEN 1 ELSE 0 END) "
    "FROM call_log_visits v JOIN call_logs c ON c.call_id = v.call_id "
    "WHERE c.start_unix_ms >= ?1 AND c.start_unix_ms < ?2 "
    "AND (?3 = '' OR c.app = ?3) AND (?4 = '' OR c.deployment = ?4) "
    "AND (?5 = '*' OR instr(?5, ',' || c.deployment || ',') > 0) "
    "AND v.type NOT IN ('errors', 'recording') "
    "GROUP BY v.page, v.module, v.type";

// ?N → $N for PostgreSQL, and SQLite's instr(haystack, needle) → strpos (the same order).
inline std::string postgres_params(std::string sql) {
  for (auto& c : sql)
    if (c == '?') c = '$';
  for (auto at = sql.find("instr("); at != std::string::npos; at = sql.find("instr(", at))
    sql.replace(at, 5, "strpos");
  return sql;
}

// Parameter 5: the access filter as one text value.
inline std::string report_access(const std::optional<std::vector<std::string>>& deployments) {
  return deployments ? label_set(*deployments) : std::string("*");
}

}  // namespace keyline::store
