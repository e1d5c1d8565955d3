#include "flow/spoken_time.h"

#include <ctime>

namespace keyline::flow {
namespace {

std::tm utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);  // not std::gmtime: that returns shared static storage
  return tm;
}

}  // namespace

std::string spoken_time(std::chrono::system_clock::time_point t) {
  const std::tm tm = utc(t);
  const int hour12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  std::string out = std::to_string(hour12);
  if (tm.tm_min >= 10) {
    out += ' ' + std::to_string(tm.tm_min);
  } else if (tm.tm_min > 0) {
    out += " oh " + std::to_string(tm.tm_min);
  }
  out += tm.tm_hour < 12 ? " AM" : " PM";
  return out;
}

std::string spoken_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  const std::tm tm = utc(t);
  return std::string(kDays[tm.tm_wday]) + ' ' + kMonths[tm.tm_mon] + ' ' +
         std::to_string(tm.tm_mday) + ' ' + std::to_string(tm.tm_year + 1900);
}

}  // namespace keyline::flow
