// capture_reader.cc — see capture_reader.h.
#include "dissect/capture_reader.h"

#include <sys/stat.h>

namespace xtractr {

CaptureReader::CaptureReader(const std::string &path) : path_(path) {
  // wiretap's heuristics take a 0-byte file for an ERF capture; a capture (even one without
  // packets) has at least a file header
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
    throw CaptureOpenError("the file is empty (0 bytes): not a capture");
  int err = 0;
  std::string reason;
  wth_ = open_wiretap(path, /*random_access=*/false, err, reason);
  if (!wth_)
    throw CaptureOpenError(err == WTAP_ERR_FILE_UNKNOWN_FORMAT ? "not a capture file (unknown format)" : reason);
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

std::string CaptureReader::format() const {
  const char *name = wtap_file_type_subtype_name(wtap_file_type_subtype(wth_));
  return name ? name : "unknown";
}

std::string CaptureReader::compression() const {
  wtap_compression_type type = wtap_get_compression_type(wth_);
  if (type == WTAP_UNCOMPRESSED) return "";
  const char *name = wtap_compression_type_extension(type);
  return name ? name : "compressed";
}

int CaptureReader::file_type_subtype() const { return wtap_file_type_subtype(wth_); }

std::string encapsulation_name(int encap) {
  const char *name = wtap_encap_name(encap);
  return name ? name : std::to_string(encap);
}

}  // namespace xtractr
