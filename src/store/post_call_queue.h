// The post-call web service's durable queue (docs/apps.md, "Post-call web service"): one row
// per finished call whose request has not been delivered yet. Rows survive a restart; a sender
// claims the ones that are due, and either removes a row (delivered, or given up) or moves its
// next attempt later. SQLite and PostgreSQL implement it over the same table.
//
// A claim moves the row's next attempt past a lease, so a sender that dies mid-request (or a
// second node sharing a PostgreSQL database) retries it later instead of never, and two
// senders never hold the same row at once. Deliveries are at-least-once: the receiver
// de-duplicates with the Idempotency-Key header (the call's id).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace keyline::store {

struct PostCallItem {
  std::int64_t id = 0;  // assigned by add()
  std::string call_id;  // one row per call: also the idempotency key
  std::string method;   // POST, PUT
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // no CR/LF in names or values
  std::string body;
  // How to authorise each attempt, as the server encodes it ("" for nothing more than the
  // headers): an OAuth2 client's token URL, id, scope and secret *reference* (never a secret or
  // a token: tokens are fetched per attempt).
  std::string auth;
  // Not empty: the body is this file's content, read at each attempt (a call recording); the
  // server deletes the file once the upload is delivered.
  std::string body_file;
  std::int64_t timeout_ms = 10000;
  std::int64_t created_unix_ms = 0;
  std::int64_t next_attempt_unix_ms = 0;
  int attempts = 0;        // made so far
  std::string last_error;  // of the last attempt ("connect: ...", "HTTP 503"); never a value
};

class PostCallQueue {
 public:
  virtual ~PostCallQueue() = default;
  // Adds the call's row; a second row for the same call_id is ignored (Ok), so a retried
  // enqueue cannot make a second delivery.
  virtual Status add(const PostCallItem& item) = 0;
  // Up to `limit` rows due at `now_unix_ms`, oldest first, each claimed until
  // now_unix_ms + lease_ms.
  virtual Result<std::vector<PostCallItem>> claim_due(std::int64_t now_unix_ms,
                                                      std::int64_t lease_ms, std::size_t limit) = 0;
  virtual Status remove(std::int64_t id) = 0;
  // After a failed attempt: the count, the error and when to try again.
  virtual Status reschedule(std::int64_t id, int attempts, std::int64_t next_attempt_unix_ms,
                            const std::string& last_error) = 0;
  virtual Result<std::size_t> size() = 0;
  // When the earliest row is due (nullopt-like -1 for an empty queue).
  virtual Result<std::int64_t> next_due() = 0;
};

// Header lines for the store ("Name: value\n" each) and back. Values never hold CR/LF: the
// HTTP layer refuses them long before a row is written.
std::string encode_header_lines(const std::vector<std::pair<std::string, std::string>>& headers);
std::vector<std::pair<std::string, std::string>> decode_header_lines(std::string_view text);

}  // namespace keyline::store
