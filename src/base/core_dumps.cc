#include "base/core_dumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace keyline {

CoreDumpState disable_core_dumps() noexcept {
  CoreDumpState state;
  rlimit none{0, 0};
  if (setrlimit(RLIMIT_CORE, &none) == 0) state.limit_zero = true;
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0) state.not_dumpable = prctl(PR_GET_DUMPABLE) == 0;
  return state;
}

}  // namespace keyline
