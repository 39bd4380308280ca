// capture_reader.cc — see capture_reader.h.
#include "dissect/capture_reader.h"

#include <sys/stat.h>

#include <cstring>
#include <fstream>

namespace xtractr {

namespace {

// The compression wiretap reads a file with, from the magic number its file_wrappers.c
// recognises at the start. wtap_get_compression_type() cannot be asked: once wiretap's
// decompressor has reached the end of a compressed frame (in a small file, already during the
// open) it asserts "not reached" and aborts the process (fuzz_capture, regress-zstd-frame-end:
// the indexer died on a 23-byte zstd file tshark reads). Only regular files are read twice.
wtap_compression_type sniff_compression(const std::string &path, const struct stat &st) {
  if (!S_ISREG(st.st_mode)) return WTAP_UNCOMPRESSED;
  char magic[4] = {};
  std::ifstream file(path, std::ios::binary);
  if (!file.read(magic, sizeof magic)) return WTAP_UNCOMPRESSED;
  if (std::memcmp(magic, "\x1f\x8b", 2) == 0) return WTAP_GZIP_COMPRESSED;
  if (std::memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0) return WTAP_ZSTD_COMPRESSED;
  if (std::memcmp(magic, "\x04\x22\x4d\x18", 4) == 0) return WTAP_LZ4_COMPRESSED;
  return WTAP_UNCOMPRESSED;
}

}  // namespace

CaptureReader::CaptureReader(const std::string &path, bool random_access) : path_(path) {
  // wiretap's heuristics take a 0-byte file for an ERF capture; a capture (even one without
  // packets) has at least a file header
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
    throw CaptureOpenError("the file is empty (0 bytes): not a capture");
  int err = 0;
  std::string reason;
  wth_ = open_wiretap(path, random_access, err, reason);
  if (!wth_)
    throw CaptureOpenError(err == WTAP_ERR_FILE_UNKNOWN_FORMAT ? "not a capture file (unknown format)" : reason);
  compression_ = sniff_compression(path, st);
}

CaptureReader::~CaptureReader() {
  if (wth_) wtap_close(wth_);
}

bool CaptureReader::next() {
  int err = 0;
  gchar *err_info = nullptr;
  gint64 offset = 0;
  wtap_rec_reset(&record_.rec);
  if (wtap_read(wth_, &record_.rec, &record_.buf, &err, &err_info, &offset)) {
    g_free(err_info);  // some readers leave a message behind on success (fuzz_capture: a leak per record)
    offset_ = offset;
    return true;
  }
  if (err != 0)
    error_ = wiretap_error(err, err_info);
  else
    g_free(err_info);
  return false;
}

bool CaptureReader::read_at(int64_t offset) {
  int err = 0;
  gchar *err_info = nullptr;
  wtap_rec_reset(&record_.rec);
  if (wtap_seek_read(wth_, offset, &record_.rec, &record_.buf, &err, &err_info)) {
    g_free(err_info);
    offset_ = offset;
    return true;
  }
  error_ = err ? wiretap_error(err, err_info) : "cannot read the record at offset " + std::to_string(offset);
  if (!err) g_free(err_info);
  return false;
}

std::string CaptureReader::format() const {
  const char *name = wtap_file_type_subtype_name(wtap_file_type_subtype(wth_));
  return name ? name : "unknown";
}

std::string CaptureReader::compression() const {
  if (compression_ == WTAP_UNCOMPRESSED) return "";
  const char *name = wtap_compression_type_extension(compression_);
  return name ? name : "compressed";
}

int CaptureReader::file_type_subtype() const { return wtap_file_type_subtype(wth_); }

std::string encapsulation_name(int encap) {
  const char *name = wtap_encap_name(encap);
  return name ? name : std::to_string(encap);
}

}  // namespace xtractr
