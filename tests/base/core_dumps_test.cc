#include "base/core_dumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace keyline {
namespace {

// In a child process, so the test binary itself keeps its settings.
TEST(CoreDumps, DisabledInTheProcessThatAsks) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    CoreDumpState s = disable_core_dumps();
    rlimit limit{};
    getrlimit(RLIMIT_CORE, &limit);
    bool ok = s.limit_zero && s.not_dumpable && limit.rlim_cur == 0 && limit.rlim_max == 0 &&
              prctl(PR_GET_DUMPABLE) == 0;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace keyline
