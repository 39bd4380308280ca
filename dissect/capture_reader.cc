// capture_reader.cc — see capture_reader.h.
#include "dissect/capture_reader.h"

#include <cerrno>
#include <cstring>

#include "dissect/wireshark_runtime.h"

namespace xtractr {

namespace {

std::string describe(int err, gchar *err_info) {
  std::string message = wtap_strerror(err);
  if (err_info) {
    message += " (";
    message += err_info;
    message += ")";
    g_free(err_info);
  }
  return message;
}

}  // namespace

CaptureReader::CaptureReader(const std::string &path) : path_(path) {
  ensure_wireshark();
  wtap_rec_init(&rec_);
  ws_buffer_init(&buf_, 1514);
  int err = 0;
  gchar *err_info = nullptr;
  wth_ = wtap_open_offline(path.c_str(), WTAP_TYPE_AUTO, &err, &err_info, FALSE);
  if (!wth_) {
    wtap_rec_cleanup(&rec_);
    ws_buffer_free(&buf_);
    // wiretap returns errno values for OS errors and negative WTAP_ERR_* for its own
    std::string reason = err > 0 ? std::string(std::strerror(err)) : describe(err, err_info);
    if (err > 0) g_free(err_info);
    if (err == WTAP_ERR_FILE_UNKNOWN_FORMAT) reason = "not a capture file (unknown format)";
    throw CaptureOpenError(reason);
  }
}

CaptureReader::~CaptureReader() {
  if (wth_) wtap_close(wth_);
  wtap_rec_cleanup(&rec_);
  ws_buffer_free(&buf_);
}

bool CaptureReader::next() {
  int err = 0;
  gchar *err_info = nullptr;
  gint64 offset = 0;
  wtap_rec_reset(&rec_);
  if (wtap_read(wth_, &rec_, &buf_, &err, &err_info, &offset)) {
    offset_ = offset;
    return true;
  }
  if (err != 0) error_ = describe(err, err_info);
  else g_free(err_info);
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
