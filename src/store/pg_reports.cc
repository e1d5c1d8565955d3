#include "store/pg_repositories.h"
#include "store/report_sql.h"

namespace keyline::store {
namespace {

class PgReports final : public ReportRepository {
 public:
  explicit PgReports(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::vector<CallSample>> call_samples(const ReportFilter& filter,
                                               std::int64_t limit) override {
    auto r = db_->query(postgres_params(kCallSamplesSql),
                        {filter.from_unix_ms, filter.to_unix_ms, filter.app, filter.deployment,
                         report_access(filter.deployments), limit + 1});
    if (!r) return r.error();
    if (r->rows() > limit)
      return make_error("too-large", "more than " + std::to_string(limit) + " calls");
    std::vector<CallSample> out;
    out.reserve(static_cast<std::size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i)
      out.push_back(CallSample{r->integer(i, 0), r->integer(i, 1), r->integer(i, 2), r->text(i, 3),
                               r->integer(i, 4) != 0});
    return out;
  }

  Result<std::vector<ModuleCounts>> module_counts(const ReportFilter& filter) override {
    // Byte order, as SQLite sorts, whatever the database's locale.
    auto r = db_->query(postgres_params(std::string(kModuleCountsSql) +
                                        " ORDER BY v.page COLLATE \"C\", v.module COLLATE \"C\", "
                                        "v.type COLLATE \"C\""),
                        {filter.from_unix_ms, filter.to_unix_ms, filter.app, filter.deployment,
                         report_access(filter.deployments)});
    if (!r) return r.error();
    std::vector<ModuleCounts> out;
    for (int i = 0; i < r->rows(); ++i)
      out.push_back(ModuleCounts{r->text(i, 0), r->text(i, 1), r->text(i, 2), r->integer(i, 3),
                                 r->integer(i, 4), r->integer(i, 5)});
    return out;
  }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<ReportRepository> make_pg_reports(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgReports>(std::move(db));
}

}  // namespace keyline::store
