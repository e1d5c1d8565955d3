// The typed configuration tree, loaded from YAML and validated before any
// socket opens. Every error names the key's path and its line:column.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "media/digit_input.h"
#include "privacy/policy.h"
#include "sdp/crypto.h"
#include "server/database_config.h"
#include "server/http_config.h"
#include "server/message_config.h"
#include "server/outbound_config.h"
#include "server/recording_config.h"
#include "server/register_config.h"
#include "server/transfer_config.h"
#include "speech/tts_cache.h"

namespace keyline::server {

// SIP over TLS (docs/configuration.md). Absent: no TLS listener.
struct SipTlsConfig {
  bool enabled = false;
  std::uint16_t port = 5061;  // 0: any free port
  std::string cert;           // PEM certificate chain
  std::string key;            // PEM private key
  std::string ca;             // PEM CAs for client certificates (and outgoing TLS)
  bool verify_client = false;
};

// Inbound digest authentication for INVITEs (docs/configuration.md).
struct SipAuthConfig {
  bool enabled = false;
  std::string realm;
  // user -> password, resolved from env:VAR, file:PATH or the literal text.
  std::map<std::string, std::string> users;
  std::vector<std::string> algorithms{"SHA-256", "MD5"};  // challenge order
  // Where the passwords came from, for the permission check at start
  // (server/secret_files.h): the file: paths, and whether any was written in
  // the config file itself.
  std::vector<std::string> password_files;
  bool literal_passwords = false;
};

// Source allow-list, rate limits, bans and the call cap (docs/configuration.md).
struct SipAccessConfig {
  std::vector<std::string> allow;  // CIDRs; empty: every source
  bool deny_with_403 = false;      // false: others are dropped silently
  double rate_per_second = 0;      // per source IP; 0: off
  double burst = 0;
  int ban_after_failures = 0;  // authentication failures; 0: off
  int failure_window_seconds = 60;
  int ban_seconds = 600;
  int max_calls = 0;  // 0: no limit; beyond it 503 + Retry-After
  int retry_after_seconds = 5;
};

struct SipConfig {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 5060;
  bool udp = true;
  bool tcp = true;
  int t1_ms = 500;
  int t2_ms = 4000;
  // TCP/TLS connections with no bytes either way for this long are closed;
  // 0 = never (docs/sip.md).
  int idle_timeout_s = 300;
  // RFC 4028 session timers (docs/sip.md): the interval offered to peers that support timers
  // (0: no session timers at all), and the smallest one accepted (422 below it).
  int session_expires_s = 1800;
  int min_se_s = 90;
  int max_connections = 0;             // inbound TCP+TLS connections; 0: no limit
  int max_connections_per_source = 0;  // per source IP; 0: no limit
  // Stored trunks (/v1/trunks) are re-read this often, besides after every API change, so a
  // change made by another server sharing the database applies too; 0: on API changes only.
  int trunk_reload_s = 10;
  // Worker threads, each with its own SIP sockets (SO_REUSEPORT), user agent and calls
  // (docs/sip.md, "Workers"); 0: one per CPU core.
  int workers = 0;
  // Each worker's SIP UDP receive buffer in KiB, to ride out bursts (docs/sip.md, "Workers");
  // the kernel caps it at net.core.rmem_max unless the server may raise it (CAP_NET_ADMIN).
  // 0: the system default.
  int udp_receive_buffer_kb = 4096;
  // Registrars we keep a binding with (register_config.h); empty: no REGISTER is sent.
  std::vector<RegisterSettings> registrations;
  SipTlsConfig tls;
  SipAuthConfig auth;
  SipAccessConfig access;
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
  // Each worker sends and reads its calls' RTP with io_uring, one system call for many
  // packets (io/datagram_batch.h). Where the kernel refuses io_uring, the worker warns and
  // makes a call per packet.
  bool io_uring = true;
  // Each worker's thread runs under real-time round-robin scheduling at this priority
  // (1-99), so no other work on the machine delays its calls' packets; 0 = the normal
  // scheduler. Needs root or CAP_SYS_NICE; when refused the workers warn and run as normal.
  int realtime_priority = 0;
};

// Binds called numbers (Request-URI user parts) to an app.
struct Deployment {
  std::string name;
  std::vector<std::string> numbers;  // exact user parts, or "*" for any
  std::string app;                   // app name: <apps_dir>/<app>.json, or the built-in "demo"
  int answer_delay_ms = 0;           // ring before answering (180 Ringing meanwhile)
  // A secure deployment (docs/security.md): calls must arrive over SIP/TLS and offer SRTP
  // (`secure_media: warn` accepts them with a warning instead); the app runs as a secure app
  // with every value-holding module private, so its call logs keep no caller-entered values.
  bool secure = false;
  bool secure_media_warn = false;  // secure_media: require (default) | warn
  // A stored deployment's trunk (store/trunks.h): only calls arriving on it reach this
  // deployment, others get 404. Empty: calls from anywhere.
  std::string trunk;
};

// The HTTPS JSON API (docs/api.md). On by default, on loopback only; with no
// certificate configured the first start generates a self-signed one.
struct ApiSettings {
  bool enabled = true;
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8443;  // 0: any free port (logged)
  std::string tls_cert;       // PEM files; both empty: <data_dir>/api-cert.pem, generated
  std::string tls_key;
  int threads = 2;
  double rate_per_second = 50;  // per API key, token bucket
  int burst = 100;
};

// How long call logs are kept; a background job enforces it hourly.
struct RetentionSettings {
  int call_log_detail_days = 30;  // detail entries (module visits)
  int call_log_days = 0;          // whole call logs; 0 keeps them
  // Retention per entity (issue 9); 0 keeps them.
  int audit_log_days = 0;        // audit entries
  int outbound_days = 0;         // outbound calls in a final state
  int post_call_queue_days = 0;  // post-call requests never delivered (given up)
  int recordings_days = 0;       // recordings (files and rows); 0 keeps them
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
  ApiSettings api;
  RetentionSettings retention;
  // The prompt cache (`tts: cache:`): memory tier, optional disk tier.
  speech::TtsCacheConfig tts_cache;
  HttpSettings http;            // web services for REST modules (`http:` section)
  RecordingSettings recording;  // where recordings are kept (`recording:` section)
  TransferConfig transfer;      // where bridged transfer legs go (`transfer:` section)
  MessagingSettings messaging;  // Email and SMS modules (`email:` and `sms:` sections)
  DatabaseSettings database;    // SQLite (default) or PostgreSQL (`database:` section)
  OutboundConfig outbound;      // the dialer (`outbound:` section)
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
