// `auth: {type: aws_sigv4}` of settings.post_call.recording: what the reader accepts and
// refuses (key references only, never keys; the recording upload only), and that the upload
// request carries the settings to the host, which signs it.
#include <gtest/gtest.h>

#include "flow/app_document.h"
#include "flow/post_call.h"

namespace keyline::flow {
namespace {

Result<AppDocument> app_with(std::string_view post_call) {
  const std::string json = std::string(R"({"name": "t", "settings": {"post_call": )") +
                           std::string(post_call) +
                           R"(}, "pages": [{"name": "p", "modules": [
      {"type": "exit", "name": "bye"}]}]})";
  return parse_app(json, "t.json");
}

std::string error_of(std::string_view post_call) {
  auto app = app_with(post_call);
  return app ? std::string() : app.error().message;
}

std::string upload_with(std::string_view auth) {
  return R"({"recording": {"url": "https://bucket.example.com/{{session.id}}.wav", "auth": )" +
         std::string(auth) + "}}";
}

TEST(RecordingUploadAuth, ReadsSigV4AndTheHostGetsIt) {
  auto app = app_with(upload_with(R"({"type": "aws_sigv4", "region": "eu-west-1",
      "access_key_id": "env:S3_ID", "secret_access_key": "file:/etc/keyline/s3"})"));
  ASSERT_TRUE(app) << app.error().message;
  PostCallFacts facts;
  facts.id = "call-7";
  Variables vars;
  auto upload = build_recording_upload(*app->settings.post_call, facts, vars);
  ASSERT_TRUE(upload) << upload.error().message;
  ASSERT_TRUE(upload->aws_sigv4);
  EXPECT_EQ(upload->aws_sigv4->region, "eu-west-1");
  EXPECT_EQ(upload->aws_sigv4->service, "s3");  // the default
  EXPECT_EQ(upload->aws_sigv4->access_key_id, "env:S3_ID");
  EXPECT_EQ(upload->aws_sigv4->secret_access_key, "file:/etc/keyline/s3");
  EXPECT_FALSE(upload->oauth2);
  EXPECT_EQ(upload->url, "https://bucket.example.com/call-7.wav");
  // Without it, nothing to sign.
  auto plain = app_with(R"({"recording": {"url": "https://bucket.example.com/x.wav"}})");
  ASSERT_TRUE(plain) << plain.error().message;
  auto unsigned_upload = build_recording_upload(*plain->settings.post_call, facts, vars);
  ASSERT_TRUE(unsigned_upload);
  EXPECT_FALSE(unsigned_upload->aws_sigv4);
}

TEST(RecordingUploadAuth, RefusesKeysWrittenIntoTheDocument) {
  const std::string literal_secret = error_of(upload_with(R"({"type": "aws_sigv4",
      "region": "eu-west-1", "access_key_id": "env:S3_ID",
      "secret_access_key": "wJalrXUtnFEMI/K7MDENG"})"));
  EXPECT_NE(literal_secret.find("'secret_access_key' must be \"env:NAME\" or \"file:PATH\""),
            std::string::npos)
      << literal_secret;
  // The message never repeats what was written there.
  EXPECT_EQ(literal_secret.find("wJalrXUtnFEMI"), std::string::npos);
  EXPECT_NE(error_of(upload_with(R"({"type": "aws_sigv4", "region": "eu-west-1",
      "access_key_id": "AKIDEXAMPLE", "secret_access_key": "env:S3"})"))
                .find("'access_key_id' must be"),
            std::string::npos);
}

TEST(RecordingUploadAuth, RefusesBadScopeAndMissingKeys) {
  EXPECT_NE(error_of(upload_with(R"({"type": "aws_sigv4", "region": "eu:west",
      "access_key_id": "env:A", "secret_access_key": "env:B"})"))
                .find("'region'"),
            std::string::npos);
  EXPECT_NE(error_of(upload_with(R"({"type": "aws_sigv4", "region": "eu-west-1",
      "service": "S3 ", "access_key_id": "env:A", "secret_access_key": "env:B"})"))
                .find("'service'"),
            std::string::npos);
  EXPECT_NE(error_of(upload_with(R"({"type": "aws_sigv4", "region": "eu-west-1",
      "access_key_id": "env:A"})"))
                .find("secret_access_key"),
            std::string::npos);
  EXPECT_NE(error_of(upload_with(R"({"type": "aws_sigv4", "access_key_id": "env:A",
      "secret_access_key": "env:B"})"))
                .find("region"),
            std::string::npos);
}

TEST(RecordingUploadAuth, OnlyForTheRecordingUpload) {
  // The post-call request itself is not an S3 upload.
  EXPECT_NE(error_of(R"({"url": "https://crm.example.com/c", "auth": {"type": "aws_sigv4",
      "region": "eu-west-1", "access_key_id": "env:A", "secret_access_key": "env:B"}})")
                .find("'auth' must be"),
            std::string::npos);
}

}  // namespace
}  // namespace keyline::flow
