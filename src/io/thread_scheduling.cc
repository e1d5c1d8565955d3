#include "io/thread_scheduling.h"

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <cstring>

namespace keyline::io {

Status run_thread_realtime(int priority) {
  const int lowest = sched_get_priority_min(SCHED_RR);
  const int highest = sched_get_priority_max(SCHED_RR);
  if (priority < lowest || priority > highest)
    return make_error("io", "real-time priority " + std::to_string(priority) + " is outside " +
                                std::to_string(lowest) + "-" + std::to_string(highest));
  sched_param param{};
  param.sched_priority = priority;
  // 0 names the calling thread, not the whole process.
  if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &param) != 0)
    return make_error("io", std::string("real-time scheduling refused: ") + std::strerror(errno));
  return Ok{};
}

void name_thread(const std::string& name) {
  // The kernel keeps 15 characters and the terminating NUL.
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace keyline::io
