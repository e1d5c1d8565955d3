// CallMediaRecord <-> the call_media table's columns, shared by the SQLite and
// PostgreSQL call-log stores. Fractions are kept as fixed-point integers
// (microseconds, hundredths of a MOS point) so both backends store exactly
// the same values without a floating-point column type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/call_record.h"

namespace keyline::store {

// In this order after call_id, in INSERTs and SELECTs.
inline constexpr const char* kCallMediaColumns =
    "codec, srtp, in_packets, in_lost, in_jitter_us, in_mos_x100, out_reported, out_packets, "
    "out_lost, out_jitter_us, out_mos_x100, rtt_us";

struct CallMediaRow {
  std::string codec;
  bool srtp = false;
  std::int64_t in_packets = 0, in_lost = 0, in_jitter_us = 0, in_mos_x100 = 0;
  bool out_reported = false;
  std::int64_t out_packets = 0, out_lost = 0, out_jitter_us = 0, out_mos_x100 = 0;
  std::optional<std::int64_t> rtt_us;
};

CallMediaRow to_media_row(const CallMediaRecord& media);
CallMediaRecord from_media_row(const CallMediaRow& row);

}  // namespace keyline::store
