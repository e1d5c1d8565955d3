// Recordings metadata (issue 9): one row per whole-call recording file the server finished,
// written when the file is complete and updated by the uploader. The audio itself stays a file
// in the recordings directory (never in the database); a row outlives its file (deleted: true)
// so the history of what was recorded, uploaded and removed is kept until retention ends it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::store {

// pending: its upload is queued (or being retried); uploaded: a 2xx confirmed it (the local
// file is then deleted); kept: no upload is configured (or it could not be queued), the file
// stays local; failed: the uploader gave up (or the file could not be read), the file stays.
enum class UploadState { kPending, kUploaded, kKept, kFailed };
std::string_view upload_state_name(UploadState state);
std::optional<UploadState> parse_upload_state(std::string_view text);

struct RecordingRecord {
  std::int64_t id = 0;     // assigned by add()
  std::string session_id;  // the call's id (session.id)
  std::string deployment;  // its label; may be empty (a config deployment without one)
  std::string app;
  std::string path;      // where the file is (or was) on the server's disk
  std::string channels;  // "stereo" or "mixed"
  double duration_s = 0;
  std::int64_t bytes = 0;
  std::int64_t created_unix_ms = 0;
  UploadState upload_state = UploadState::kKept;
  std::string uploaded_url;  // scheme://host/path only: no query string, no user info
  bool deleted = false;      // the local file is gone (uploaded, deleted by API or retention)
};

struct RecordingFilter {
  std::int64_t from_unix_ms = 0;  // created at or after; 0: no bound
  std::int64_t to_unix_ms = 0;    // created before; 0: no bound
  std::string app;                // empty: any
  std::string session_id;         // empty: any
  std::int64_t before_id = 0;     // pagination: rows with a smaller id only; 0: from the newest
  int limit = 50;
  // Sharing (api/call_access.h): nullopt: every recording; else only those whose deployment is
  // one of these labels (an empty list: none). Filtered in the query so pages stay full.
  std::optional<std::vector<std::string>> deployments;
};

class RecordingRepository {
 public:
  virtual ~RecordingRepository() = default;
  // Returns the new row's id.
  virtual Result<std::int64_t> add(const RecordingRecord& r) = 0;
  // The uploader's outcome for the file at `path` (the newest row for it). `url` is stored only
  // when not empty. False when no row has that path.
  virtual Result<bool> set_upload(const std::string& path, UploadState state,
                                  const std::string& url, bool deleted) = 0;
  // Newest first (by id).
  virtual Result<std::vector<RecordingRecord>> list(const RecordingFilter& filter) = 0;
  virtual Result<std::optional<RecordingRecord>> get(std::int64_t id) = 0;
  // The file is gone: false when no such row.
  virtual Result<bool> mark_deleted(std::int64_t id) = 0;
  // Retention: removes the rows created before `unix_ms` and returns them (their files, if
  // still on disk, are for the caller to delete).
  virtual Result<std::vector<RecordingRecord>> purge_before(std::int64_t unix_ms) = 0;
};

// For uploaded_url: the URL without its query string, fragment or user info (a pre-signed URL's
// query holds a signature; user info a password).
std::string url_without_secrets(std::string_view url);

}  // namespace keyline::store
