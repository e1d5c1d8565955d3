// Clock times and dates written the way a TTS engine reads them well: "3 45 PM" is spoken
// "three forty-five P M", where "15:45" would come out as numbers and punctuation.
#pragma once

#include <chrono>
#include <string>

namespace keyline::flow {

// "3 PM", "3 oh 5 PM", "3 45 PM", "12 10 AM" (UTC).
std::string spoken_time(std::chrono::system_clock::time_point t);
// "Wednesday November 25 2026" (UTC).
std::string spoken_date(std::chrono::system_clock::time_point t);

}  // namespace keyline::flow
