#include "outbound/bulk_csv.h"

#include <set>

namespace keyline::outbound {
namespace {

// One record's fields from `text` at `pos` (advanced past the record's line end). `lines`
// counts the line ends consumed (a quoted field may hold some).
Result<std::vector<std::string>> read_record(std::string_view text, std::size_t& pos, int& lines) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < text.size() && text[pos] == '"') {
          field += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++lines;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || was_quoted) return make_error("csv", "a quote inside a field");
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' && pos < text.size() && text[pos] == '\n') {
      continue;  // CRLF: the LF ends the record
    } else if (c == '\n') {
      ++lines;
      fields.push_back(std::move(field));
      return fields;
    } else {
      if (was_quoted) return make_error("csv", "text after a closing quote");
      field += c;
    }
  }
  if (quoted) return make_error("csv", "a quoted field is not closed");
  fields.push_back(std::move(field));
  return fields;
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

bool valid_column(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

}  // namespace

Result<CsvCalls> parse_bulk_csv(std::string_view text, std::size_t max_rows) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM
  std::size_t pos = 0;
  int line = 1;
  int consumed = 0;
  auto header = read_record(text, pos, consumed);
  if (!header) return make_error("csv", "line 1: " + header.error().message);
  std::vector<std::string> columns;
  std::set<std::string> seen;
  int destination = -1;
  int ani = -1;
  for (auto& raw : *header) {
    std::string name = trim(raw);
    if (!valid_column(name))
      return make_error("csv", "line 1: column names are 1-64 letters, digits, '_' or '-'");
    if (!seen.insert(name).second) return make_error("csv", "line 1: column '" + name + "' twice");
    if (name == "destination") destination = static_cast<int>(columns.size());
    if (name == "ani") ani = static_cast<int>(columns.size());
    columns.push_back(std::move(name));
  }
  if (destination < 0) return make_error("csv", "line 1: no 'destination' column");
  line += consumed;
  CsvCalls out;
  while (pos < text.size()) {
    const int row_line = line;
    consumed = 0;
    auto record = read_record(text, pos, consumed);
    if (!record)
      return make_error("csv", "line " + std::to_string(row_line) + ": " + record.error().message);
    line += consumed;
    if (record->size() == 1 && trim((*record)[0]).empty()) continue;  // a blank line
    if (out.calls.size() + out.problems.size() >= max_rows)
      return make_error("csv", "more than " + std::to_string(max_rows) + " rows");
    if (record->size() != columns.size()) {
      out.problems.push_back({row_line, "has " + std::to_string(record->size()) +
                                            " fields, the header " +
                                            std::to_string(columns.size())});
      continue;
    }
    CsvCall call;
    call.line = row_line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (static_cast<int>(i) == destination)
        call.destination = trim((*record)[i]);
      else if (static_cast<int>(i) == ani)
        call.ani = trim((*record)[i]);
      else
        call.parameters[columns[i]] = (*record)[i];
    }
    out.calls.push_back(std::move(call));
  }
  return out;
}

}  // namespace keyline::outbound
