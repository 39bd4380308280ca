// debug_log.cc — see debug_log.h.
#include "core/debug_log.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace xtractr {

bool debug_enabled() {
  static const bool enabled = [] {
    const char *v = std::getenv("XTRACTR_DEBUG");
    return v && *v && std::strcmp(v, "0") != 0;
  }();
  return enabled;
}

void debug_line(const std::string &phase, const std::string &detail) {
  if (!debug_enabled()) return;
  std::string line = "xtractr debug [pid " + std::to_string(getpid()) + "]: " + phase + ": " + detail + "\n";
  ssize_t ignored = write(2, line.data(), line.size());
  (void)ignored;
}

DebugPhase::DebugPhase(const char *phase, std::string subject)
    : phase_(phase), enabled_(debug_enabled()), subject_(enabled_ ? std::move(subject) : std::string()) {
  if (enabled_) start_ = std::chrono::steady_clock::now();
}

DebugPhase::~DebugPhase() {
  if (!enabled_) return;
  try {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    char number[32];
    std::snprintf(number, sizeof number, "%.1f ms", ms);
    std::string detail = number;
    if (!subject_.empty()) detail += " \xe2\x80\x94 " + subject_;
    if (!notes_.empty()) detail += " (" + notes_ + ")";
    debug_line(phase_, detail);
  } catch (...) {
  }
}

void DebugPhase::note(const std::string &text) {
  if (enabled_) notes_ += (notes_.empty() ? "" : "; ") + text;
}

double process_age_ms() {
  // /proc/self/stat field 22: start time in clock ticks after boot; /proc/uptime: seconds since boot
  std::ifstream stat("/proc/self/stat"), uptime("/proc/uptime");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t paren = text.rfind(')');
  double up = 0;
  if (paren == std::string::npos || !(uptime >> up)) return -1;
  std::istringstream fields(text.substr(paren + 2));  // field 3 onwards
  std::string field;
  for (int i = 3; i <= 22 && (fields >> field); ++i)
    if (i == 22) return (up - std::stod(field) / double(sysconf(_SC_CLK_TCK))) * 1000.0;
  return -1;
}

}  // namespace xtractr
