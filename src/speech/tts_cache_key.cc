#include "speech/tts_cache_key.h"

#include <openssl/evp.h>

#include <cstdio>
#include <memory>

namespace keyline::speech {

std::string tts_cache_hash(const TtsCacheKey& key) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
  auto field = [&](std::string_view v) {
    const std::string len = std::to_string(v.size()) + ":";
    EVP_DigestUpdate(ctx.get(), len.data(), len.size());
    EVP_DigestUpdate(ctx.get(), v.data(), v.size());
  };
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.4f", key.rate);
  field("keyline-tts-v1");  // bump when the rendering changes, so old disk entries miss
  field(key.engine);
  field(key.voice);
  field(rate);
  field(media::codec_name(key.codec));
  field(key.audio_scope);
  field(key.text);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) return {};
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kDigits[out[i] >> 4];
    hex += kDigits[out[i] & 15];
  }
  return hex;
}

}  // namespace keyline::speech
