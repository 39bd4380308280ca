// debug_log.h — XTRACTR_DEBUG=1: how long each phase of loading xtractr and opening a capture
// took, on stderr, to explain a query that stalls (waiting for another process's build, a cold
// disk, libwireshark's or V8's start).
//
// Usage:
//   $ XTRACTR_DEBUG=1 sqlite3 -cmd '.load build/xtractr' :memory: "SELECT count(*) FROM packets('day1.pcapng')"
//   xtractr debug [pid 4242]: load: 61.8 ms (process age when xtractr.so's init ran; dlopen of its libraries included)
//   xtractr debug [pid 4242]: identity check: 0.4 ms — /cases/day1.pcapng
//   xtractr debug [pid 4242]: lock wait: 10412.0 ms — /cases/day1.pcapng.xtractr.lock (held by pid 4100)
//   ...
// (C++)
//   DebugPhase phase("identity check", capture);   // one line when the scope ends
//   phase.note("held by pid 4100");                // added to that line
//   debug_line("load", "...");                    // a line now
//
// How it works: the variable is read once per process; when it is unset, a DebugPhase costs
// one branch. Each line is written with one write(2) on fd 2, so lines of several threads or
// processes do not interleave. Only the host writes them: the indexer's stderr is its report
// pipe (index/build_process.h).
#pragma once

#include <chrono>
#include <string>

namespace xtractr {

bool debug_enabled();

// "xtractr debug [pid N]: <phase>: <detail>" on stderr, when enabled.
void debug_line(const std::string &phase, const std::string &detail);

// Times a scope: "<phase>: 12.3 ms — <subject> (<notes>)" when it ends (also by an exception).
class DebugPhase {
 public:
  DebugPhase(const char *phase, std::string subject = {});
  ~DebugPhase();
  DebugPhase(const DebugPhase &) = delete;
  DebugPhase &operator=(const DebugPhase &) = delete;
  void note(const std::string &text);

 private:
  const char *phase_;
  bool enabled_;
  std::string subject_, notes_;
  std::chrono::steady_clock::time_point start_;
};

// How long this process has existed, in milliseconds (from /proc; -1 when unknown).
double process_age_ms();

}  // namespace xtractr
