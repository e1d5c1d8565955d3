// The forms a value takes, and the search of files for them.
#include "server/verify_privacy.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "base/secure_wipe.h"

namespace keyline::server {
namespace {

std::string utf16le(std::string_view ascii) {
  std::string out;
  out.reserve(ascii.size() * 2);
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

std::string grouped(std::string_view digits, const std::vector<std::size_t>& sizes, char sep) {
  std::string out;
  std::size_t at = 0;
  for (std::size_t n : sizes) {
    if (at >= digits.size()) break;
    if (!out.empty()) out.push_back(sep);
    out.append(digits.substr(at, n));
    at += n;
  }
  return out;
}

}  // namespace

void ProbeForm::wipe() noexcept { secure_wipe(bytes); }

std::vector<ProbeForm> probe_forms(std::string_view name, std::string_view digits) {
  std::vector<ProbeForm> out;
  const bool short_value = digits.size() < 7;
  auto add = [&](const std::string& form, const std::string& label, bool in_memory) {
    for (const auto& f : out)
      if (f.bytes == form) return;  // e.g. "1234567" has no groups to add
    out.push_back(ProbeForm{
        std::string(name) + " " + label, form,
        short_value ? privacy::DigitBoundary::kAscii : privacy::DigitBoundary::kNone, in_memory});
    out.push_back(ProbeForm{
        std::string(name) + " " + label + " utf16", utf16le(form),
        short_value ? privacy::DigitBoundary::kUtf16 : privacy::DigitBoundary::kNone, in_memory});
  };
  const std::string plain(digits);
  add(plain, "plain", true);
  if (digits.size() >= 8) {
    std::vector<std::size_t> fours(5, 4);
    add(grouped(digits, fours, ' '), "spaced", true);
    add(grouped(digits, fours, '-'), "dashed", true);
    if (digits.size() == 15) {  // American Express prints 4-6-5
      add(grouped(digits, {4, 6, 5}, ' '), "spaced 4-6-5", true);
      add(grouped(digits, {4, 6, 5}, '-'), "dashed 4-6-5", true);
    }
    for (std::size_t i = 0; i + 7 <= digits.size(); ++i)
      add(plain.substr(i, 7), "piece " + std::to_string(i + 1) + "-" + std::to_string(i + 7),
          false);
  } else if (digits.size() == 4) {  // an expiry: MMYY
    add(grouped(digits, {2, 2}, '/'), "slashed", true);
    add(grouped(digits, {2, 2}, '-'), "dashed", true);
    add(grouped(digits, {2, 2}, ' '), "spaced", true);
  }
  return out;
}

FileScanReport scan_files(const std::vector<std::string>& roots,
                          const std::vector<ProbeForm>& forms) {
  // The operator's tool holds the values anyway; a zero key reuses the
  // server's matcher (and its digit-boundary rule) for files.
  std::vector<privacy::MaskedProbe> probes;
  for (const auto& f : forms)
    probes.push_back(privacy::MaskedProbe{std::vector<std::uint8_t>(f.bytes.begin(), f.bytes.end()),
                                          std::vector<std::uint8_t>(f.bytes.size(), 0),
                                          f.boundary});
  privacy::MaskedMatcher matcher(probes);
  const std::size_t keep_after = matcher.max_length() + 1;
  FileScanReport report;
  std::vector<std::string> files;
  for (const auto& root : roots) {
    std::error_code ec;
    auto status = std::filesystem::symlink_status(root, ec);
    if (ec || !std::filesystem::exists(status)) continue;
    if (std::filesystem::is_regular_file(status)) {
      files.push_back(root);
      continue;
    }
    for (auto it = std::filesystem::recursive_directory_iterator(
             root, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path().string());
    }
    if (ec) report.unreadable.push_back(root);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());

  std::vector<std::uint8_t> buf;
  std::vector<char> chunk(1 << 20);
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      report.unreadable.push_back(path);
      continue;
    }
    ++report.files;
    std::vector<std::uint64_t> counts(probes.size(), 0);
    buf.clear();
    std::size_t next = 0;  // first offset in buf not yet counted as a start
    for (;;) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<std::size_t>(in.gcount());
      report.bytes += got;
      buf.insert(buf.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(got));
      const bool eof = got < chunk.size();
      // Starts whose match and trailing boundary byte are all in buf.
      std::size_t limit =
          eof ? buf.size() : (buf.size() > keep_after ? buf.size() - keep_after : 0);
      if (limit > next) matcher.count(buf, next, limit, counts);
      if (eof) break;
      // Keep two bytes before the next start for the boundary check.
      const std::size_t drop = limit >= next && limit > 2 ? limit - 2 : 0;
      if (drop > 0) {
        wipe_bytes(buf.data(), drop);
        buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(drop));
      }
      next = std::max(limit, next) - drop;
    }
    if (in.bad()) report.unreadable.push_back(path);
    for (std::size_t i = 0; i < counts.size(); ++i)
      if (counts[i]) report.hits.push_back({path, forms[i].label, counts[i]});
  }
  secure_wipe(buf);
  wipe_bytes(chunk.data(), chunk.size());
  for (auto& p : probes) p.wipe();
  return report;
}

}  // namespace keyline::server
