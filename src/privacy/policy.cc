#include "privacy/policy.h"

namespace keyline::privacy {

std::optional<PanMask> parse_pan_mask(std::string_view name) {
  if (name == "bin_last4") return PanMask::kBinLast4;
  if (name == "last4") return PanMask::kLast4;
  return std::nullopt;
}

std::string_view pan_mask_name(PanMask mask) {
  return mask == PanMask::kBinLast4 ? "bin_last4" : "last4";
}

std::optional<OtherMask> parse_other_mask(std::string_view name) {
  if (name == "last2") return OtherMask::kLast2;
  if (name == "placeholder") return OtherMask::kPlaceholder;
  return std::nullopt;
}

std::string_view other_mask_name(OtherMask mask) {
  return mask == OtherMask::kLast2 ? "last2" : "placeholder";
}

const std::vector<std::string_view>& recogniser_names() {
  static const std::vector<std::string_view> kNames = {
      "cards", "cvv", "expiry", "bank",         "ssn",
      "dob",   "pin", "health", "long_numbers", "dtmf_signals"};
  return kNames;
}

bool set_recogniser(Recognisers& r, std::string_view name, bool on) {
  bool* flag = nullptr;
  if (name == "cards") flag = &r.cards;
  if (name == "cvv") flag = &r.cvv;
  if (name == "expiry") flag = &r.expiry;
  if (name == "bank") flag = &r.bank;
  if (name == "ssn") flag = &r.ssn;
  if (name == "dob") flag = &r.dob;
  if (name == "pin") flag = &r.pin;
  if (name == "health") flag = &r.health;
  if (name == "long_numbers") flag = &r.long_numbers;
  if (name == "dtmf_signals") flag = &r.dtmf_signals;
  if (!flag) return false;
  *flag = on;
  return true;
}

}  // namespace keyline::privacy
