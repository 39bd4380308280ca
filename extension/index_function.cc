/*
** index_function.cc — xtractr_index(capture): build (or rebuild) the index now, and say what
** it holds.
**
** Usage:
**
**   SELECT xtractr_index('evidence/day1.pcapng');
**   -- {"files":[{"pcap":"/…/day1.pcapng","format":"pcapng","compression":"",
**   --   "link_types":["ether"],"frames":14,"bytes":6043,"first_time":1362692526.869344,
**   --   "last_time":1362692527.080972,"flows":1,"index_size":53248,"seconds":0.012,
**   --   "index":"/…/day1.pcapng.xtractr","warnings":[]}],
**   --  "frames":14,"bytes":6043,"flows":1,"index_size":53248,"seconds":0.012,"warnings":[]}
**   SELECT json_extract(xtractr_index('damaged.pcap'), '$.warnings');
**
** How it works: every file of the capture argument is re-indexed (capture_index.h), and the
** summaries are reported as one JSON object: per file, then totals. A truncated or damaged
** file is indexed up to the damage and reported with a warning; a capture without packets
** (a file header only) as 0 frames, null times and a warning. A capture indexed with Wireshark
** settings (index/capture_settings.h) has "settings": ["-d tcp.port==2525,smtp", "keylog 5f2c…"]
** (its key logs by content hash).
**
** xtractr_config(name [, value]): how this process's builds run (index/build_settings.h).
**
**   SELECT xtractr_config('workers');          -- 2: indexing processes at once per capture
**   SELECT xtractr_config('workers', 4);       -- set for this process; returns 4
**   SELECT xtractr_config('partition_bytes');  -- 67108864: capture bytes per partition
**   SELECT xtractr_config('workers', NULL);    -- back to XTRACTR_WORKERS or the default
**   SELECT xtractr_config('payload_index', 1);  -- substring search from an index (index/payload_grams.h)
**
** and the Wireshark settings of every capture this process indexes (index/capture_settings.h;
** changing them rebuilds an index on its next query):
**
**   SELECT xtractr_config('tls_keylog', 'keys.log');             -- a TLS key log (SSLKEYLOGFILE)
**   SELECT xtractr_config('decode_as', 'tcp.port==8888,http');   -- tshark -d rules, ';' between
**   SELECT xtractr_config('prefs', 'http.tcp.port:8888');        -- tshark -o values, ';' between
**   SELECT xtractr_config('decode_as', NULL);                    -- none; NULL when none is set
*/
#include <string>

#include "core/sql_error.h"
#include "extension/extension_sql.h"
#include "index/block_codec.h"
#include "index/build_settings.h"
#include "index/capture_collection.h"
#include "index/capture_settings.h"
#include "index/doc_builder.h"

namespace xtractr {

namespace {

void append_strings(std::string &out, const std::vector<std::string> &items) {
  out.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    json_append_string(out, items[i]);
  }
  out.push_back(']');
}

// A capture without packets has no first or last time: null, not the epoch.
void append_time(std::string &out, const char *key, int64_t frames, double time) {
  out += std::string(",\"") + key + "\":";
  if (frames == 0)
    out += "null";
  else
    json_append_double(out, time);
}

void xtractr_index_function(sqlite3_context *ctx, int, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) throw UserError("xtractr_index(): name a capture");
    std::string argument(reinterpret_cast<const char *>(sqlite3_value_text(argv[0])));
    CaptureCollection collection = open_collection(argument, /*rebuild=*/true);
    std::string out = "{\"files\":[";
    int64_t frames = 0, bytes = 0, flows = 0, size = 0;
    double seconds = 0;
    std::vector<std::string> warnings;
    for (size_t i = 0; i < collection.members.size(); ++i) {
      const IndexSummary &s = collection.members[i].index->summary();
      if (i) out.push_back(',');
      out += "{\"pcap\":";
      json_append_string(out, s.capture);
      out += ",\"format\":";
      json_append_string(out, s.format);
      out += ",\"compression\":";
      json_append_string(out, s.compression);
      out += ",\"link_types\":";
      append_strings(out, s.link_types);
      out += ",\"frames\":" + std::to_string(s.frames) + ",\"bytes\":" + std::to_string(s.bytes);
      append_time(out, "first_time", s.frames, s.first_time);
      append_time(out, "last_time", s.frames, s.last_time);
      out += ",\"flows\":" + std::to_string(s.flows) + ",\"index_size\":" + std::to_string(s.index_size);
      out += ",\"seconds\":";
      json_append_double(out, s.seconds);
      out += ",\"workers\":" + std::to_string(s.workers) + ",\"partitions\":" + std::to_string(s.partitions) +
             ",\"peak_rss_kb\":" + std::to_string(s.peak_rss_kb);
      // frames in time order: time ranges are found by binary search, without a time index
      out += std::string(",\"time_sorted\":") + (s.time_sorted ? "true" : "false");
      out += ",\"index\":";
      json_append_string(out, s.directory);
      if (!s.settings.empty()) {  // the Wireshark settings it was built with (key logs by content hash)
        out += ",\"settings\":";
        append_strings(out, s.settings);
      }
      out += ",\"warnings\":";
      append_strings(out, s.warnings);
      out.push_back('}');
      frames += s.frames;
      bytes += s.bytes;
      flows += s.flows;
      size += s.index_size;
      seconds += s.seconds;
      for (const auto &w : s.warnings) warnings.push_back(s.capture + ": " + w);
    }
    out += "],\"frames\":" + std::to_string(frames) + ",\"bytes\":" + std::to_string(bytes) +
           ",\"flows\":" + std::to_string(flows) + ",\"index_size\":" + std::to_string(size) + ",\"seconds\":";
    json_append_double(out, seconds);
    for (const std::string &skipped : collection.skipped) warnings.push_back("skipped: " + skipped);
    out += ",\"warnings\":";
    append_strings(out, warnings);
    out.push_back('}');
    sqlite3_result_text(ctx, out.data(), int(out.size()), SQLITE_TRANSIENT);
    sqlite3_result_subtype(ctx, 'J');
  });
}

void xtractr_config_function(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  guard_function(ctx, [&] {
    if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) throw UserError("xtractr_config(): name a setting");
    std::string name(reinterpret_cast<const char *>(sqlite3_value_text(argv[0])));
    if (is_dissection_config(name)) {
      if (argc == 2) {
        if (sqlite3_value_type(argv[1]) != SQLITE_NULL && sqlite3_value_type(argv[1]) != SQLITE_TEXT)
          throw UserError("xtractr_config(): '" + name + "' takes text (or NULL for none)");
        const unsigned char *value = sqlite3_value_text(argv[1]);
        set_dissection_config(name, value ? reinterpret_cast<const char *>(value) : "");
      }
      const std::string value = dissection_config(name);
      if (value.empty())
        sqlite3_result_null(ctx);
      else
        sqlite3_result_text(ctx, value.data(), int(value.size()), SQLITE_TRANSIENT);
      return;
    }
    if (argc == 2) {
      if (sqlite3_value_type(argv[1]) != SQLITE_NULL && sqlite3_value_type(argv[1]) != SQLITE_INTEGER)
        throw UserError("xtractr_config(): '" + name + "' takes an integer (or NULL for the default)");
      set_build_setting(name, sqlite3_value_int64(argv[1]));
    }
    sqlite3_result_int64(ctx, effective_build_setting(name));
  });
}

}  // namespace

// Not deterministic, and direct-only: it writes files.
const FunctionSpec index_functions[] = {
    {"xtractr_index",
     1,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     xtractr_index_function,
     nullptr,
     nullptr,
     {"xtractr_index(capture)",
      "indexes a capture, folder or glob again now and says what it holds (JSON: frames, flows, warnings)",
      "SELECT json_extract(xtractr_index('examples/wikipedia_browse.pcap'), '$.frames')"}},
    {"xtractr_config",
     1,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     xtractr_config_function,
     nullptr,
     nullptr,
     {"xtractr_config(name [, value])",
      "reads or sets (NULL: the default) a setting of this process's index builds: 'workers', 'partition_bytes', "
      "'payload_index' (1: substring search over payloads), 'tls_keylog', 'decode_as' (tshark -d) or 'prefs' "
      "(tshark -o)",
      "SELECT xtractr_config('workers')"}},
    {"xtractr_config",
     2,
     SQLITE_UTF8 | SQLITE_DIRECTONLY,
     xtractr_config_function,
     nullptr,
     nullptr,
     {}},  // xtractr_help lists a name once, with its first entry's help (above)
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

}  // namespace xtractr
