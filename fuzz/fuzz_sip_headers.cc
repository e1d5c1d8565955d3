// libFuzzer target: the header and URI parsers on their own (what a
// message parser hands them is already narrowed; here they get anything).
// The first byte picks the parser so one corpus covers them all.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sip/digest.h"
#include "sip/headers.h"
#include "sip/uri.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 6) {
    case 0:
      if (auto uri = keyline::sip::parse_uri(text)) {
        // What we print must parse again.
        if (!keyline::sip::parse_uri(uri->to_string())) __builtin_trap();
      }
      break;
    case 1:
      if (auto na = keyline::sip::parse_name_addr(text)) (void)na->tag();
      break;
    case 2:
      (void)keyline::sip::parse_vias(text);
      break;
    case 3:
      (void)keyline::sip::parse_cseq(text);
      break;
    case 4:
      (void)keyline::sip::parse_digest_credentials(text);
      break;
    case 5:
      if (auto c = keyline::sip::parse_digest_challenge(text)) {
        if (!keyline::sip::parse_digest_challenge(keyline::sip::format_challenge(*c)))
          __builtin_trap();
      }
      break;
  }
  (void)keyline::sip::unescape(text);
  return 0;
}
