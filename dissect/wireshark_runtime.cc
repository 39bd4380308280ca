// wireshark_runtime.cc — see wireshark_runtime.h.
#include "dissect/wireshark_runtime.h"

#include <cstring>
#include <stdexcept>

#include "core/debug_log.h"

extern "C" {
#include <epan/addr_resolv.h>
#include <epan/epan.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/timestamp.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>
}

namespace xtractr {

std::recursive_mutex &dissection_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

namespace {

// Wireshark reports command-line errors through this hook; a library has no command line.
void ignore_cmdarg_error(const char *, va_list) {}

// libwireshark reports failures to open optional files (the personal "hosts", "services",
// "enterprises.tsv" beside the settings folder below) and dissector messages through these
// hooks; without them report_open_failure() dereferences a null table and the process dies.
// A folder that exists but is not readable (a user's $HOME, or someone's /nonexistent) is
// normal here: the messages go to the debug log (XTRACTR_DEBUG=1), never to the host.
void report_message(const char *format, va_list args) {
  if (!debug_enabled()) return;
  gchar *text = g_strdup_vprintf(format, args);
  debug_line("libwireshark", text);
  g_free(text);
}
void report_file(const char *what, const char *file, std::string detail) {
  if (debug_enabled()) debug_line("libwireshark", std::string(what) + " '" + file + "': " + detail);
}
// errno-style codes (positive); wiretap's own (negative) carry their text in `info`, owned by us
std::string describe(int err, gchar *info) {
  std::string text = err > 0 ? std::strerror(err) : "wiretap error " + std::to_string(err);
  if (info) text += std::string(" (") + info + ")";
  g_free(info);
  return text;
}
void report_open(const char *file, int err, gboolean) { report_file("cannot open", file, describe(err, nullptr)); }
void report_read(const char *file, int err) { report_file("cannot read", file, describe(err, nullptr)); }
void report_write(const char *file, int err) { report_file("cannot write", file, describe(err, nullptr)); }
void report_cfile_open(const char *file, int err, gchar *info) {
  report_file("cannot open", file, describe(err, info));
}
void report_cfile_dump_open(const char *file, int err, gchar *info, int) { report_cfile_open(file, err, info); }
void report_cfile_read(const char *file, int err, gchar *info) {
  report_file("cannot read", file, describe(err, info));
}
void report_cfile_write(const char *, const char *file, int err, gchar *info, guint32, int) {
  report_file("cannot write", file, describe(err, info));
}
void report_cfile_close(const char *file, int err, gchar *info) {
  report_file("cannot close", file, describe(err, info));
}

const report_message_routines kReportRoutines = {
    report_message,    report_message,         report_open,       report_read,        report_write,
    report_cfile_open, report_cfile_dump_open, report_cfile_read, report_cfile_write, report_cfile_close};

std::string initialise_wiretap() {
  ws_log_init("xtractr", ignore_cmdarg_error);
  init_report_message("xtractr", &kReportRoutines);
  // Dissector warnings ("malformed packet" and the like) belong in the tree, not on the
  // host's stderr.
  ws_log_set_level(LOG_LEVEL_CRITICAL);
  init_process_policies();
  // Data files (dictionaries, manuf) are found from the compiled-in data directory.
  char *err = configuration_init("/usr/bin/tshark", nullptr);
  g_free(err);
  // Deterministic preferences: the user's Wireshark profile (preferences, disabled
  // protocols, heuristics, decode-as) must not change what a capture indexes to, so the
  // personal configuration folder is one that never exists. Settings are still loaded
  // through epan_load_settings(), which applies the defaults the way tshark does.
  // Inside /proc/self nobody can create it: a folder that exists but cannot be read (a
  // chromium run with XDG_CONFIG_HOME=/nonexistent made /nonexistent, mode 700, on CI) makes
  // libwireshark skip the MaxMind table's set-up, and the first IPv4 frame then crashes
  // maxmind_db_lookup_ipv4() for any user but the folder's owner.
  set_persconffile_dir("/proc/self/xtractr-uses-default-wireshark-settings");
  wtap_init(TRUE);
  return {};
}

std::string initialise_epan() {
  if (!epan_init(nullptr, nullptr, TRUE)) return "epan_init failed";
  epan_load_settings();
  prefs_apply_all();
  disable_name_resolution();
  timestamp_set_type(TS_RELATIVE);
  timestamp_set_precision(TS_PREC_AUTO);
  timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
  return {};
}

}  // namespace

void ensure_wiretap() {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  static const std::string failure = initialise_wiretap();
  if (!failure.empty()) throw std::runtime_error("libwiretap: " + failure);
}

void ensure_wireshark() {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  static bool started = false;
  // the merging process of a partitioned build has no use for it (field_registry.h)
  if (!started && fields_announced())
    throw std::logic_error("libwireshark would start in a process that merges announced fields");
  ensure_wiretap();
  static const std::string failure = initialise_epan();
  started = true;
  if (!failure.empty()) throw std::runtime_error("libwireshark: " + failure);
}

std::string wireshark_version() {
  int major = 0, minor = 0, micro = 0;
  epan_get_version_number(&major, &minor, &micro);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(micro);
}

}  // namespace xtractr
