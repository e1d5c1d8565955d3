// Core dumps would write a call's memory — card numbers, keys — to disk. The
// server turns them off at start unless the operator asks for them while
// debugging a non-secure deployment (privacy.core_dumps in the config).
#pragma once

namespace keyline {

struct CoreDumpState {
  bool limit_zero = false;    // RLIMIT_CORE is 0 (soft and hard)
  bool not_dumpable = false;  // PR_SET_DUMPABLE 0: no core, no ptrace attach by other users
};

// Best effort and never fatal: lowering a limit needs no privilege, so both
// normally succeed; the result says what holds.
CoreDumpState disable_core_dumps() noexcept;

}  // namespace keyline
