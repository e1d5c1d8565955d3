#include "server/voices_command.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace keyline::server {
namespace {

TEST(VoicesCommand, PrintsOneLinePerVoice) {
  std::ostringstream out;
  EXPECT_EQ(print_voices(out), 0);
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("flite   kal ", 0), 0u) << text.substr(0, 200);  // the default comes first
  EXPECT_NE(text.find("\nflite   slt "), std::string::npos);
  EXPECT_NE(text.find("\nflite   rms "), std::string::npos);
  EXPECT_NE(text.find("\nespeak  es "), std::string::npos);
  EXPECT_NE(text.find(" 16000 Hz\n"), std::string::npos);
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  EXPECT_GT(lines, 50u);
}

}  // namespace
}  // namespace keyline::server
