// `keyline apikey create`: the bootstrap path for API access. Creates (or
// updates the role of) a user and gives it a new API key, printed once; only
// the key's hash is stored.
#pragma once

#include <string>

#include "base/result.h"
#include "store/repositories.h"

namespace keyline::server {

struct CreatedKey {
  std::string key;  // the only copy; never stored or logged
  std::string key_id;
};

// `postgres_url` set: the user and key go to that PostgreSQL database (the
// config's database.url) instead of <data_dir>/keyline.db.
Result<CreatedKey> create_api_key(const std::string& data_dir, const std::string& email,
                                  store::Role role, const std::string& postgres_url = {},
                                  const std::string& postgres_password = {});

}  // namespace keyline::server
