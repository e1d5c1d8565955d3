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

Result<CreatedKey> create_api_key(const std::string& data_dir, const std::string& email,
                                  store::Role role);

}  // namespace keyline::server
