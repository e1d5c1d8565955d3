#include "base/secure_random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

namespace keyline {

Status fill_secure_random(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    // Flags 0: block until the pool is initialised at boot, then never block.
    ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("random", std::string("getrandom failed: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return Ok{};
}

}  // namespace keyline
