#include "store/report_sql.h"
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

void bind_filter(Statement& s, const ReportFilter& f) {
  s.bind(1, f.from_unix_ms);
  s.bind(2, f.to_unix_ms);
  s.bind(3, f.app);
  s.bind(4, f.deployment);
  s.bind(5, report_access(f.deployments));
}

class SqliteReports final : public ReportRepository {
 public:
  explicit SqliteReports(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::vector<CallSample>> call_samples(const ReportFilter& filter,
                                               std::int64_t limit) override {
    auto guard = db_->lock();
    auto s = db_->prepare(kCallSamplesSql);
    if (!s) return s.error();
    bind_filter(*s, filter);
    s->bind(6, limit + 1);
    std::vector<CallSample> out;
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) break;
      if (static_cast<std::int64_t>(out.size()) == limit)
        return make_error("too-large", "more than " + std::to_string(limit) + " calls");
      out.push_back(
          CallSample{s->integer(0), s->integer(1), s->integer(2), s->text(3), s->integer(4) != 0});
    }
    return out;
  }

  Result<std::vector<ModuleCounts>> module_counts(const ReportFilter& filter) override {
    auto guard = db_->lock();
    auto s = db_->prepare(std::string(kModuleCountsSql) + " ORDER BY v.page, v.module, v.type");
    if (!s) return s.error();
    bind_filter(*s, filter);
    return all_rows<ModuleCounts>(*s, [](const Statement& row) {
      return ModuleCounts{row.text(0),    row.text(1),    row.text(2),
                          row.integer(3), row.integer(4), row.integer(5)};
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<ReportRepository> make_sqlite_reports(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteReports>(std::move(db));
}

}  // namespace keyline::store
