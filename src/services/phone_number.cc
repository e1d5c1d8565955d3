#include "services/phone_number.h"

#include <phonenumbers/phonenumberutil.h>

namespace keyline::services {

Result<std::string> normalize_phone_number(std::string_view international) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  if (international.empty() || international.front() != '+')
    return make_error("phone", "not an international number (it must start with +)");
  // The library's singleton is immutable once built and safe to share between workers.
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  // "ZZ": no default region — only numbers written with their country code are accepted.
  if (util->Parse(std::string(international), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return make_error("phone", "not a phone number");
  if (!util->IsValidNumber(number))
    return make_error("phone", "not a valid number in its country's numbering plan");
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace keyline::services
