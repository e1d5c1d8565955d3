// The typed configuration tree, loaded from YAML and validated before any
// socket opens. Every error names the key's path and its line:column.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "media/digit_input.h"
#include "privacy/policy.h"
#include "sdp/crypto.h"

namespace keyline::server {

struct SipConfig {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 5060;
  bool udp = true;
  bool tcp = true;
  int t1_ms = 500;
  int t2_ms = 4000;
};

struct MediaSettings {
  std::uint16_t rtp_port_min = 10000;
  std::uint16_t rtp_port_max = 20000;
  // Inbound offers: off answers RTP/AVP only, mandatory RTP/SAVP only (488
  // for the other), optional either. Per trunk once trunks exist.
  sdp::SrtpPolicy srtp = sdp::SrtpPolicy::kOptional;
  // Which received digits count: auto (RFC 4733 when negotiated, tones
  // otherwise, a press sent both ways counted once), rfc4733, inband. Per
  // trunk once trunks exist.
  media::DtmfMode dtmf_mode = media::DtmfMode::kAuto;
  // A call whose peer sends no RTP or RTCP for this long is hung up (a dead
  // trunk or a caller gone without BYE); 0 = never.
  int rtp_timeout_s = 60;
};

// Binds called numbers (Request-URI user parts) to an app.
struct Deployment {
  std::string name;
  std::vector<std::string> numbers;  // exact user parts, or "*" for any
  std::string app;                   // app name: <apps_dir>/<app>.json, or the built-in "demo"
  int answer_delay_ms = 0;           // ring before answering (180 Ringing meanwhile)
};

struct Config {
  std::string source = "(embedded defaults)";
  SipConfig sip;
  MediaSettings media;
  std::string apps_dir;  // empty: only the built-in demo app
  // The embedded defaults look in ./apps but do not insist that it exists.
  bool apps_dir_optional = false;
  std::string data_dir = "data";
  LogLevel log_level = LogLevel::kInfo;
  std::vector<Deployment> deployments;
  // How logs and call logs mask what looks sensitive (`privacy:` section).
  privacy::RedactionPolicy privacy;
  // privacy.core_dumps: off unless debugging a deployment that holds no real
  // callers' data — a core file would hold the call's memory.
  bool core_dumps = false;
};

// Parses YAML text; relative paths resolve against base_dir.
Result<Config> parse_config(std::string_view yaml_text, std::string_view source_name,
                            const std::string& base_dir);
Result<Config> load_config(const std::string& path);
// The configuration `keyline serve` uses without --config.
Config default_config();
// The embedded default YAML text (also shipped as config/keyline.yaml).
std::string_view default_config_yaml();

}  // namespace keyline::server
