// libFuzzer target: SDP bodies (offers from the network). A parsed
// description must serialize to something that parses again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sdp/crypto.h"
#include "sdp/session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto sd = keyline::sdp::parse(text)) {
    if (!keyline::sdp::parse(keyline::sdp::serialize(*sd))) __builtin_trap();
  }
  (void)keyline::sdp::parse_crypto(text);
  return 0;
}
