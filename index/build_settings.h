// build_settings.h — how this process's index builds run: workers at once and the per-worker
// partition budget (xtractr_config), handed to every xtractr-indexer it starts.
//
// Usage (SQL; the extension's xtractr_config() reads and writes these):
//   SELECT xtractr_config('workers');                     -- 2 (the usable cores by default)
//   SELECT xtractr_config('workers', 4);                  -- from now on, in this process
//   SELECT xtractr_config('partition_bytes', 64 << 20);   -- smaller partitions, less memory
//   SELECT xtractr_config('workers', NULL);               -- back to the default
//   SELECT xtractr_config('payload_index', 1);            -- substring search from an index (payload_grams.h)
//
// How it works: a setting overrides the environment variable of the same meaning
// (XTRACTR_WORKERS, XTRACTR_PARTITION_BYTES) for the indexers this process starts: the host
// passes them in the indexer's environment (build_process.cc), where plan_partitions() reads
// them. Process-wide, like the index cache: every connection's builds follow it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xtractr {

struct BuildSetting {
  const char *name;         // as xtractr_config() takes it
  const char *environment;  // the variable it overrides
  const char *meaning;
};
const std::vector<BuildSetting> &build_settings();

// The value set in this process (0 when none: the environment or the default decides).
int64_t build_setting(const std::string &name);                  // throws UserError for an unknown name
void set_build_setting(const std::string &name, int64_t value);  // 0 = unset

// The effective value: the setting, else the environment, else the default (workers: the
// usable cores; partition_bytes: 64 MiB; payload_index: 0). payload_index is also part of an
// index's identity (capture_settings.h): an index built without it is rebuilt with it.
int64_t effective_build_setting(const std::string &name);

// A positive integer from the environment variable, 0 when unset or not one.
int64_t positive_environment_number(const char *variable);

// "NAME=VALUE" for each setting made in this process, for an indexer's environment.
std::vector<std::string> build_setting_environment();

}  // namespace xtractr
