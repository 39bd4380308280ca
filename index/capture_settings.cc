// capture_settings.cc — see capture_settings.h.
#include "index/capture_settings.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>

#include "core/content_hash.h"
#include "core/sql_error.h"
#include "index/build_settings.h"

namespace xtractr {

namespace {

constexpr const char kSettingsVariable[] = "XTRACTR_DISSECTION";
constexpr const char kIdentityVariable[] = "XTRACTR_DISSECTION_IDENTITY";
constexpr const char *kConfigNames[] = {"tls_keylog", "decode_as", "prefs"};

std::mutex &config_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, std::string> &config() {
  static auto *c = new std::map<std::string, std::string>();
  return *c;
}

// The entries of a 'decode_as' or 'prefs' value: separated by ';' or new lines.
std::vector<std::string> entries(const std::string &value) {
  std::vector<std::string> out;
  std::string entry;
  std::istringstream in(value);
  while (std::getline(in, entry, '\n')) {
    std::istringstream parts(entry);
    std::string part;
    while (std::getline(parts, part, ';'))
      if (part.find_first_not_of(" \t\r") != std::string::npos) out.push_back(part);
  }
  return out;
}

std::string current_directory() {
  char buffer[PATH_MAX];
  return getcwd(buffer, sizeof buffer) ? buffer : "";
}

bool exists(const std::string &path) { return access(path.c_str(), F_OK) == 0; }

std::string parent_of(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// Adds this process's xtractr_config() settings to `into`.
void add_config(DissectionSettings &into) {
  std::map<std::string, std::string> values;
  {
    std::lock_guard<std::mutex> lock(config_mutex());
    values = config();
  }
  const std::string cwd = current_directory();
  for (const std::string &pref : entries(values["prefs"])) add_pref(pref, "xtractr_config('prefs')", cwd, into);
  for (const std::string &rule : entries(values["decode_as"])) add_decode_as(rule, "xtractr_config('decode_as')", into);
  if (!values["tls_keylog"].empty()) into.keylogs.push_back(values["tls_keylog"]);
}

std::string identity_of(const DissectionSettings &settings) {
  DissectionSettings without_keylogs = settings;
  without_keylogs.keylogs.clear();
  std::string identity = without_keylogs.text();
  for (const std::string &path : settings.keylogs) {
    const std::string content = read_settings_file(path, "TLS key log");
    char hash[40];
    std::snprintf(hash, sizeof hash, "keylog %016" PRIx64 "\n", content_hash(content));
    identity += hash;
  }
  return identity;
}

}  // namespace

bool is_dissection_config(const std::string &name) {
  for (const char *known : kConfigNames)
    if (name == known) return true;
  return false;
}

std::string dissection_config(const std::string &name) {
  std::lock_guard<std::mutex> lock(config_mutex());
  auto found = config().find(name);
  return found == config().end() ? "" : found->second;
}

void set_dissection_config(const std::string &name, const std::string &value) {
  const std::string where = "xtractr_config('" + name + "')";
  std::string stored = value;
  try {
    DissectionSettings check;
    if (name == "tls_keylog" && !value.empty()) {
      char resolved[PATH_MAX];
      if (!realpath(value.c_str(), resolved) || access(resolved, R_OK) != 0)
        throw UserError(where + ": cannot read the TLS key log '" + value + "': " + std::strerror(errno));
      stored = resolved;
    } else if (name == "decode_as") {
      for (const std::string &rule : entries(value)) add_decode_as(rule, where, check);
    } else if (name == "prefs") {
      for (const std::string &pref : entries(value)) add_pref(pref, where, current_directory(), check);
    }
  } catch (const SettingsError &e) {
    throw UserError(e.what());
  }
  std::lock_guard<std::mutex> lock(config_mutex());
  if (stored.empty())
    config().erase(name);
  else
    config()[name] = stored;
}

CaptureSettings capture_settings(const std::string &capture) {
  CaptureSettings out;
  try {
    add_config(out.settings);
    if (exists(capture + ".keylog")) out.settings.keylogs.push_back(capture + ".keylog");
    const std::string prefs_file = capture + ".xtractr-prefs";
    if (exists(prefs_file))
      parse_settings(read_settings_file(prefs_file, "settings"), prefs_file, parent_of(capture), out.settings);
    out.identity = identity_of(out.settings);
    // not a Wireshark setting, but what the index holds: on or off, the index differs
    if (effective_build_setting("payload_index")) out.identity += "payload_index\n";
  } catch (const SettingsError &e) {
    throw UserError(e.what());
  }
  return out;
}

std::vector<std::string> settings_environment(const CaptureSettings &settings) {
  // always both, so a variable the host's own environment has never reaches the indexer
  return {std::string(kSettingsVariable) + "=" + settings.settings.text(),
          std::string(kIdentityVariable) + "=" + settings.identity};
}

DissectionSettings apply_environment_settings(const std::string &capture) {
  DissectionSettings settings;
  const char *text = std::getenv(kSettingsVariable);
  if (!text || !*text) return settings;
  try {
    parse_settings(text, "the capture's settings", "", settings);
    use_dissection_settings(settings);
  } catch (const SettingsError &e) {
    throw UserError("cannot index '" + capture + "' with its Wireshark settings: " + e.what());
  }
  return settings;
}

std::string environment_settings_identity() {
  const char *identity = std::getenv(kIdentityVariable);
  return identity ? identity : "";
}

}  // namespace xtractr
