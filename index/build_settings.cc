// build_settings.cc — see build_settings.h.
#include "index/build_settings.h"

#include <sched.h>

#include <atomic>
#include <cstdlib>

#include "core/sql_error.h"

namespace xtractr {

namespace {

// The capture bytes one worker dissects. Its peak memory follows them (libwireshark keeps ~0.85 KB
// a frame until the process ends): ~400 MB at 64 MiB, ~600 MB at 128 MiB. The price of more
// partitions: each worker reads the whole capture (~1.5 s of CPU a GB; the 16-round benchmark
// capture, 364 MB, in 6 partitions instead of 4: +0.3 s).
constexpr int64_t kDefaultPartitionBytes = 64ll << 20;

std::atomic<int64_t> settings[3];  // by position in build_settings()

size_t position(const std::string &name) {
  const auto &all = build_settings();
  for (size_t i = 0; i < all.size(); ++i)
    if (name == all[i].name) return i;
  std::string known;
  for (const BuildSetting &s : all) known += std::string(known.empty() ? "" : ", ") + "'" + s.name + "'";
  known += ", 'tls_keylog', 'decode_as', 'prefs'";  // capture_settings.h
  throw UserError("xtractr_config(): no setting '" + name + "' (there are " + known + ")");
}

int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? std::max(1, CPU_COUNT(&set)) : 1;
}

}  // namespace

int64_t positive_environment_number(const char *variable) {
  const char *text = std::getenv(variable);
  if (!text || !*text) return 0;
  char *end = nullptr;
  long long n = std::strtoll(text, &end, 10);
  return end && *end == '\0' && n > 0 ? n : 0;
}

const std::vector<BuildSetting> &build_settings() {
  static const std::vector<BuildSetting> all = {
      {"workers", "XTRACTR_WORKERS", "indexing processes at once for one capture (default: the usable cores)"},
      {"partition_bytes", "XTRACTR_PARTITION_BYTES",
       "capture bytes per partition before a capture is cut into more partitions than workers (default 64 MiB)"},
      {"payload_index", "XTRACTR_PAYLOAD_INDEX",
       "1: indexes build the payload index, for substring search over frame bytes and streams (default 0: off)"},
  };
  return all;
}

int64_t build_setting(const std::string &name) { return settings[position(name)].load(); }

void set_build_setting(const std::string &name, int64_t value) {
  if (value < 0) throw UserError("xtractr_config(): '" + name + "' must be positive (or NULL for the default)");
  settings[position(name)].store(value);
}

int64_t effective_build_setting(const std::string &name) {
  const size_t i = position(name);
  if (int64_t set = settings[i].load()) return set;
  if (int64_t env = positive_environment_number(build_settings()[i].environment)) return env;
  if (name == "workers") return usable_cores();
  return name == "partition_bytes" ? kDefaultPartitionBytes : 0;
}

std::vector<std::string> build_setting_environment() {
  std::vector<std::string> out;
  for (size_t i = 0; i < build_settings().size(); ++i)
    if (int64_t set = settings[i].load())
      out.push_back(std::string(build_settings()[i].environment) + "=" + std::to_string(set));
  return out;
}

}  // namespace xtractr
