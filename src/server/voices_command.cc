#include "server/voices_command.h"

#include <iomanip>
#include <string>

#include "speech/voice_catalog.h"

namespace keyline::server {

int print_voices(std::ostream& out) {
  const auto catalog = speech::VoiceCatalog::installed();
  for (const auto& v : catalog.voices()) {
    std::string languages;
    for (const auto& tag : v.languages) languages += (languages.empty() ? "" : ",") + tag;
    out << std::left << std::setw(7) << v.engine << ' ' << std::setw(16) << v.name << ' '
        << std::setw(24) << languages << ' ' << v.native_rate << " Hz\n";
  }
  return catalog.voices().empty() ? 1 : 0;
}

}  // namespace keyline::server
