// The pocketsphinx adapter (pocketsphinx_asr.cc is the only file that
// includes pocketsphinx or sphinxbase headers): grammar-based recognition
// with Debian's US English acoustic model (package pocketsphinx-en-us).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "base/result.h"
#include "speech/asr_engine.h"

namespace keyline::speech {

struct PocketsphinxConfig {
  // Holds en-us/ (the acoustic model) and cmudict-en-us.dict, as the
  // Debian package installs them.
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us";
  // Decoders are not thread-safe, so each turn leases its own; this many
  // turns can be decoded at once (each decoder holds ~40 MB: the model and
  // the dictionary).
  std::size_t max_decoders = 4;
};

// Loads the model once (one decoder, ready for the first turn) and returns
// the engine, or an error (kind "asr") when the model cannot be loaded.
// Thread-safe: start() may be called from any thread; each session is used
// by one thread at a time.
Result<std::unique_ptr<AsrEngine>> make_pocketsphinx_engine(const PocketsphinxConfig& config = {});

}  // namespace keyline::speech
