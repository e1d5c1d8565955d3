// How a worker's thread asks the kernel to run it. A worker paces every call's packets from
// one thread; on a shared machine any other runnable thread can delay it by a scheduler
// slice (several milliseconds), which is a late packet for every call it carries.
// Real-time round-robin scheduling lets the worker run as soon as it wakes, as telephony
// servers are commonly run on machines that do other work.
#pragma once

#include <string>

#include "base/result.h"

namespace keyline::io {

// Runs the calling thread under SCHED_RR at `priority` (1-99). Threads it starts afterwards
// get the normal scheduler back (SCHED_RESET_ON_FORK), so a helper it spawns never runs
// ahead of other work. Fails without CAP_SYS_NICE or an RLIMIT_RTPRIO that allows the
// priority; the thread then keeps the normal scheduler.
Status run_thread_realtime(int priority);

// Names the calling thread as `top -H` and `ps -L` show it (cut to 15 characters).
void name_thread(const std::string& name);

}  // namespace keyline::io
