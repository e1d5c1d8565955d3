// libFuzzer target: web-service response bodies (JSON and CSV from the network, REST module).
// A parsed JSON value must render to JSON that parses again to an equal value; nothing may
// crash, and no error may echo the text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flow/json_value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto v = keyline::flow::parse_json_value(text)) {
    auto again = keyline::flow::parse_json_value(v->to_json(true));
    if (!again || !(*again == *v)) __builtin_trap();
  }
  (void)keyline::flow::parse_csv_value(text);
  return 0;
}
