// index_meta.cc — see index_meta.h.
#include "index/index_meta.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "index/capture_index.h"
#include "index/capture_settings.h"
#include "index/index_location.h"

namespace xtractr {

namespace {

std::string join_lines(const std::vector<std::string> &lines) {
  std::string out;
  for (const auto &l : lines) out += l + "\n";
  return out;
}

std::vector<std::string> split_lines(const std::string &s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    if (nl > start) out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string fixed(double value, int decimals) {
  char number[64];
  std::snprintf(number, sizeof number, "%.*f", decimals, value);
  return number;
}

const char *file_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a file";
}

}  // namespace

CaptureStamp stamp_of(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw UserError("cannot open capture '" + path + "': " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw UserError("capture '" + path + "' is a directory");
  // a FIFO, socket or device would block the open() (or never end): only files are captures
  if (!S_ISREG(st.st_mode))
    throw UserError("capture '" + path + "' is not a regular file (" + file_kind(st.st_mode) + ")");
  if (access(path.c_str(), R_OK) != 0) throw UserError("cannot read capture '" + path + "': " + std::strerror(errno));
  CaptureStamp stamp;
  stamp.size = int64_t(st.st_size);
  stamp.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  stamp.ctime_ns = int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  stamp.inode = int64_t(st.st_ino);
  stamp.sample = file_sample_hash(path);
  return stamp;
}

bool IndexMeta::describes(const std::string &capture, const CaptureStamp &now, const std::string &dissection) const {
  return schema_version == kIndexSchemaVersion && wireshark_version == xtractr::wireshark_version() &&
         summary.capture == capture && stamp == now && join_lines(summary.settings) == dissection;
}

IndexMeta current_meta(const CaptureStamp &stamp, const IndexSummary &summary) {
  IndexMeta meta;
  meta.schema_version = kIndexSchemaVersion;
  meta.wireshark_version = wireshark_version();
  meta.stamp = stamp;
  meta.summary = summary;
  meta.summary.settings = split_lines(environment_settings_identity());
  return meta;
}

void write_meta(Database &db, const IndexMeta &meta) {
  Statement insert(db.get(), "INSERT INTO meta VALUES(?1,?2)");
  auto put = [&](const char *key, const std::string &value) {
    insert.bind(1, std::string_view(key));
    insert.bind(2, std::string_view(value));
    insert.run();
  };
  const IndexSummary &s = meta.summary;
  put("schema_version", std::to_string(meta.schema_version));
  put("wireshark_version", meta.wireshark_version);
  put("capture_path", s.capture);
  put("capture_size", std::to_string(meta.stamp.size));
  put("capture_mtime_ns", std::to_string(meta.stamp.mtime_ns));
  put("capture_ctime_ns", std::to_string(meta.stamp.ctime_ns));
  put("capture_inode", std::to_string(meta.stamp.inode));
  put("capture_sample", std::to_string(meta.stamp.sample));
  put("format", s.format);
  put("compression", s.compression);
  put("link_types", join_lines(s.link_types));
  put("frames", std::to_string(s.frames));
  put("bytes", std::to_string(s.bytes));
  put("first_time", fixed(s.first_time, 9));
  put("last_time", fixed(s.last_time, 9));
  put("time_sorted", s.time_sorted ? "1" : "0");
  std::vector<std::string> exceptions;
  for (int64_t id : s.time_exceptions) exceptions.push_back(std::to_string(id));
  put("time_exceptions", join_lines(exceptions));
  put("flows", std::to_string(s.flows));
  put("seconds", fixed(s.seconds, 3));
  put("workers", std::to_string(s.workers));
  put("partitions", std::to_string(s.partitions));
  put("peak_rss_kb", std::to_string(s.peak_rss_kb));
  put("warnings", join_lines(s.warnings));
  if (!s.settings.empty()) put("dissection", join_lines(s.settings));
}

IndexMeta read_meta(Database &db) {
  Statement select(db.get(), "SELECT value FROM meta WHERE key = ?1");
  auto get = [&](const char *key) {
    select.bind(1, std::string_view(key));
    if (!select.step()) throw std::runtime_error(std::string("index has no meta '") + key + "'");
    std::string value(select.text(0));
    select.reset();
    return value;
  };
  IndexMeta meta;
  IndexSummary &s = meta.summary;
  meta.schema_version = std::stoi(get("schema_version"));
  if (meta.schema_version != kIndexSchemaVersion) return meta;  // another layout: nothing else to trust
  meta.wireshark_version = get("wireshark_version");
  s.capture = get("capture_path");
  meta.stamp.size = std::stoll(get("capture_size"));
  meta.stamp.mtime_ns = std::stoll(get("capture_mtime_ns"));
  meta.stamp.ctime_ns = std::stoll(get("capture_ctime_ns"));
  meta.stamp.inode = std::stoll(get("capture_inode"));
  meta.stamp.sample = std::stoull(get("capture_sample"));
  s.format = get("format");
  s.compression = get("compression");
  s.link_types = split_lines(get("link_types"));
  s.frames = std::stoll(get("frames"));
  s.bytes = std::stoll(get("bytes"));
  s.first_time = std::stod(get("first_time"));
  s.last_time = std::stod(get("last_time"));
  s.time_sorted = get("time_sorted") == "1";
  for (const std::string &id : split_lines(get("time_exceptions"))) s.time_exceptions.push_back(std::stoll(id));
  s.flows = std::stoll(get("flows"));
  s.seconds = std::stod(get("seconds"));
  s.workers = std::stoi(get("workers"));
  s.partitions = std::stoi(get("partitions"));
  s.peak_rss_kb = std::stoll(get("peak_rss_kb"));
  s.warnings = split_lines(get("warnings"));
  // absent when built with the defaults (and in indexes from before settings existed)
  select.bind(1, std::string_view("dissection"));
  if (select.step()) s.settings = split_lines(std::string(select.text(0)));
  select.reset();
  return meta;
}

}  // namespace xtractr
