// Files that hold secrets must not be readable by other users: `keyline serve`
// refuses to start otherwise, naming the file and the fix (chmod 600). A file
// counts as readable by others when its mode grants others read and every
// directory above it lets others through (a 0644 file inside a 0700
// directory is safe).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "server/config.h"

namespace keyline::server {

struct SecretFile {
  std::string path;
  std::string holds;  // what is secret in it ("sip.auth passwords", "sip.tls.key")
};

// The config file when a password is written in it, every file:PATH a
// password is read from, and the private keys the config names.
std::vector<SecretFile> secret_files(const Config& config);

// True when other users can read `path` (see above). Errors when the file
// cannot be examined.
Result<bool> readable_by_others(const std::string& path);

// Fails (kind "config") on the first secret file readable by others:
// "keyline.yaml holds sip.auth passwords and is readable by other users: chmod 600 keyline.yaml".
// Files that do not exist are left to the code that reads them.
Status check_secret_files(const std::vector<SecretFile>& files);

}  // namespace keyline::server
