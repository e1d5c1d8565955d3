// `keyline verify-privacy`: the operator's proof that test values keyed into a
// private app exist nowhere after the call — not in any file the server wrote
// (its data directory, log, TTS disk cache) and not in the running server's
// memory (asked over the API: POST /v1/privacy/memory-scan, which never sees
// the values in clear). Exit 0 only when nothing was found anywhere.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "privacy/memory_scan.h"

namespace keyline::server {

// One way a value may sit in a file or in memory.
struct ProbeForm {
  std::string label;  // "card spaced utf16": names the value and the form, never the digits
  std::string bytes;  // the form itself (ASCII or UTF-16LE)
  privacy::DigitBoundary boundary = privacy::DigitBoundary::kNone;
  bool in_memory = true;  // false: files only (7-digit pieces would flood memory with chance hits)

  void wipe() noexcept;
};

// The forms of `digits` (digits only, 3 to 19 of them) named `name`: plain;
// groups of four (and 4-6-5 for 15 digits) with spaces and with dashes; MM/YY,
// MM-YY and MM YY for four digits; each also in UTF-16LE. Values of 8 digits
// or more add every 7-digit piece (files only): a partial leak is a leak.
// Values under 7 digits match only as whole numbers (no digit either side),
// or a 3-digit CVV would be found inside every longer number.
std::vector<ProbeForm> probe_forms(std::string_view name, std::string_view digits);

struct FileHit {
  std::string path;
  std::string label;
  std::uint64_t count = 0;
};

struct FileScanReport {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::vector<FileHit> hits;
  std::vector<std::string> unreadable;  // files that could not be read (a failure: not verified)
};

// Every regular file under each root (a root may be a file), recursively.
// Roots that do not exist are skipped. Symbolic links are not followed.
FileScanReport scan_files(const std::vector<std::string>& roots,
                          const std::vector<ProbeForm>& forms);

struct MemoryScanAnswer {
  std::vector<std::pair<std::string, std::uint64_t>> hits;  // label, count (all labels)
  std::uint64_t total_hits = 0;
  std::uint64_t bytes_scanned = 0;
  std::uint64_t regions = 0;
  std::int64_t elapsed_ms = 0;
  bool complete = false;
};

struct ApiTarget {
  std::string url;      // https://HOST:PORT
  std::string key;      // an admin API key
  std::string ca_file;  // PEM to verify the server with; empty: the system store
};

// Sends the forms marked in_memory, each masked with a fresh random key, and
// returns the server's counts. Errors name the HTTP status or transport
// failure, never a value.
Result<MemoryScanAnswer> scan_server_memory(const ApiTarget& api,
                                            const std::vector<ProbeForm>& forms,
                                            std::int64_t time_limit_ms);

// The command: `keyline verify-privacy [options]` (argv from the command word
// on). Returns 0 (nothing found), 1 (found), 2 (usage), 3 (could not verify).
int run_verify_privacy(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace keyline::server
