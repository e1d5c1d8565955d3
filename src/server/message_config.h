// The `email:` and `sms:` sections of the server config: the SMTP relay the Email module sends
// through and the HTTPS provider the SMS module posts to (docs/configuration.md). Either
// absent: modules of that kind take their error exit ("this server sends no email").
// Credentials are never written in the config: `password` / `auth_value` name env:VAR or
// file:PATH (first line), and such a file must not be readable by other users.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "server/privacy_config.h"
#include "services/sms_provider.h"
#include "services/smtp_client.h"

namespace keyline::server {

struct MessagingSettings {
  std::optional<services::SmtpConfig> email;
  std::optional<services::SmsProviderConfig> sms;
  std::string sms_ca_file;  // PEM bundle to verify the SMS provider with; empty: system store
  // file: paths credentials were read from (server/secret_files.h checks their modes).
  std::vector<std::string> secret_files;
};

void read_email_config(const YAML::Node& node, const std::string& base_dir, MessagingSettings& out,
                       const ConfigFail& fail);
void read_sms_config(const YAML::Node& node, const std::string& base_dir, MessagingSettings& out,
                     const ConfigFail& fail);

}  // namespace keyline::server
