// dissection_settings.h — what a capture is dissected with beyond Wireshark's defaults:
// preference overrides (tshark -o), Decode As rules (tshark -d) and TLS key logs.
//
// Usage (C++; the settings come from xtractr_config() and the files beside a capture,
// index/capture_settings.h):
//   DissectionSettings s;
//   parse_settings("-d tcp.port==8888,http\n-o tls.keylog_file:keys.log\n", "day1.pcapng.xtractr-prefs",
//                  "/cases", s);
//   use_dissection_settings(s);                           // before dissecting (throws SettingsError)
//   remember_capture_settings("/cases/day1.pcapng", s);   // what replays of that capture use
//
// Usage (SQL, what the user writes):
//   SELECT xtractr_config('decode_as', 'tcp.port==8888,http');
//   SELECT xtractr_config('tls_keylog', '/cases/sslkeys.log');
//
// How it works: the text is tshark's own syntax, one setting per line: `-o name:value`,
// `-d table==selector,protocol`, `#` comments. `-o tls.keylog_file:PATH` (or ssl.) names a
// key log, kept apart from the preferences: every key log's content is handed to each new
// epan session as a Decryption Secrets Block would be (secrets_wtap_callback), so several
// key logs apply at once and a key log is identified by its content, not its path.
// use_dissection_settings() applies the rest the way tshark does: prefs_set_pref() for each
// `-o`, dissector_change_uint/_string() for each value of each `-d` (as tshark's -d), then
// prefs_apply_all(). Switching to other settings first returns every preference and Decode
// As entry to its default (prefs_reset, decode_clear_all), so the default stays
// deterministic. The indexer applies its capture's settings once; the host, which replays
// several captures, applies a capture's remembered settings in each ReplaySession.
// Settings are process-wide libwireshark state: the caller holds dissection_mutex() (taken
// here) while it dissects with them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace xtractr {

struct DissectionSettings {
  std::vector<std::string> prefs;      // "name:value", as tshark -o takes it, in order
  std::vector<std::string> decode_as;  // "table==selector,protocol", as tshark -d takes it
  std::vector<std::string> keylogs;    // key log files (absolute paths), in order

  bool empty() const { return prefs.empty() && decode_as.empty() && keylogs.empty(); }
  bool operator==(const DissectionSettings &o) const {
    return prefs == o.prefs && decode_as == o.decode_as && keylogs == o.keylogs;
  }
  // The settings as lines of the file syntax (parse_settings reads them back).
  std::string text() const;
};

// A setting that is malformed or names what libwireshark does not have; the message names
// where the setting came from.
struct SettingsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Adds the settings of `text` (lines: "-o name:value", "-d rule", "# comment", blank) to
// `into`. `origin` names the text in errors ("origin:LINE: problem"); relative key log paths
// are resolved against `base_dir`.
void parse_settings(const std::string &text, const std::string &origin, const std::string &base_dir,
                    DissectionSettings &into);
// One `-o` value (a key log when it sets tls.keylog_file) and one `-d` rule; throws
// SettingsError (naming `origin`) when malformed.
void add_pref(const std::string &pref, const std::string &origin, const std::string &base_dir,
              DissectionSettings &into);
void add_decode_as(const std::string &rule, const std::string &origin, DissectionSettings &into);

// The content of a settings file or key log; throws SettingsError "cannot read the WHAT
// 'PATH': reason".
std::string read_settings_file(const std::string &path, const std::string &what);

// Applies `settings` to this process's libwireshark (initialising it), unless they are the
// ones applied already. Throws SettingsError for an unknown preference, table or protocol,
// or an unreadable key log; the defaults are back in place then.
void use_dissection_settings(const DissectionSettings &settings);

// The applied key logs' content: EpanSession hands it to every new epan session.
const std::vector<std::string> &applied_keylog_contents();

// The settings `capture`'s index was built with, for the replays of its frames (the
// extraction functions): remembered when its index is opened, empty when never.
void remember_capture_settings(const std::string &capture, const DissectionSettings &settings);
DissectionSettings remembered_capture_settings(const std::string &capture);

}  // namespace xtractr
