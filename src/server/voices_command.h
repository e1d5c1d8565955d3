// `keyline voices`: the installed TTS voices, one line each, so an app
// builder can see what settings.language and settings.voice may name.
#pragma once

#include <ostream>

namespace keyline::server {

// Prints "engine name languages native-rate" per voice; returns the exit code.
int print_voices(std::ostream& out);

}  // namespace keyline::server
