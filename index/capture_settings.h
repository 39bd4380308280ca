// capture_settings.h — which Wireshark settings a capture is indexed and replayed with (TLS
// key logs, Decode As rules, preference overrides), and the identity they give its index.
//
// Usage (SQL):
//   SELECT xtractr_config('tls_keylog', '/cases/sslkeys.log');          -- every capture, this process
//   SELECT xtractr_config('decode_as', 'tcp.port==8888,http');           -- tshark -d; ';' between rules
//   SELECT xtractr_config('prefs', 'tls.desegment_ssl_records:FALSE');   -- tshark -o; ';' between them
//   SELECT xtractr_config('decode_as', NULL);                            -- none again
//   -- and beside a capture, picked up by themselves:
//   --   day1.pcapng.keylog          a TLS key log (SSLKEYLOGFILE format)
//   --   day1.pcapng.xtractr-prefs   tshark options, one a line: -o name:value / -d rule / # comment
//
// How it works: a capture's settings are this process's xtractr_config() settings, then its
// `.keylog` and `.xtractr-prefs` files (dissect/dissection_settings.h applies them; a later
// preference wins). pcapng Decryption Secrets Blocks need no setting: the capture brings them.
// Their identity — the settings' text with each key log replaced by a hash of its content —
// is recorded in the index's meta (`dissection`) and compared on every open: adding,
// changing or removing a setting or a key log's content rebuilds the index, moving a key log
// does not. With no settings the identity is empty, as in indexes built before settings
// existed. The host hands the settings and their identity to the indexer in its environment
// (XTRACTR_DISSECTION, XTRACTR_DISSECTION_IDENTITY; its workers inherit it), where
// apply_environment_settings() applies them before anything is dissected.
#pragma once

#include <string>
#include <vector>

#include "dissect/dissection_settings.h"

namespace xtractr {

// The text-valued settings of xtractr_config(): 'tls_keylog', 'decode_as', 'prefs'.
bool is_dissection_config(const std::string &name);
// The value set in this process (empty when none). Throws UserError for a malformed value
// (a missing key log, a rule without table==selector,protocol).
std::string dissection_config(const std::string &name);
void set_dissection_config(const std::string &name, const std::string &value);  // "" = none

struct CaptureSettings {
  DissectionSettings settings;
  std::string identity;  // "" for the defaults
};

// The settings `capture` (absolute path) is dissected with now; throws UserError naming the
// file with a problem (a malformed .xtractr-prefs line, an unreadable key log).
CaptureSettings capture_settings(const std::string &capture);

// "NAME=VALUE" entries of an indexer's environment carrying `settings`.
std::vector<std::string> settings_environment(const CaptureSettings &settings);

// In the indexer (and its workers): applies the settings of the environment to the
// dissection of `capture` (and returns them; a UserError naming the capture when one is
// wrong); the identity to record in the index's meta.
DissectionSettings apply_environment_settings(const std::string &capture);
std::string environment_settings_identity();

}  // namespace xtractr
