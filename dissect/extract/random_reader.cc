// random_reader.cc — see random_reader.h.
#include "dissect/extract/random_reader.h"

#include <cstring>
#include <stdexcept>

#include "dissect/wireshark_runtime.h"

namespace xtractr {

namespace {

std::string describe(int err, gchar *err_info) {
  std::string message = err > 0 ? std::string(std::strerror(err)) : std::string(wtap_strerror(err));
  if (err_info) {
    if (err <= 0) message += std::string(" (") + err_info + ")";
    g_free(err_info);
  }
  return message;
}

}  // namespace

RandomReader::RandomReader(const std::string &path) : path_(path) {
  ensure_wireshark();
  int err = 0;
  gchar *err_info = nullptr;
  wth_ = wtap_open_offline(path.c_str(), WTAP_TYPE_AUTO, &err, &err_info, TRUE);
  if (!wth_) throw std::runtime_error("cannot read capture '" + path + "': " + describe(err, err_info));
  wtap_rec_init(&rec_);
  ws_buffer_init(&buf_, 1514);
}

RandomReader::~RandomReader() {
  wtap_close(wth_);
  wtap_rec_cleanup(&rec_);
  ws_buffer_free(&buf_);
}

bool RandomReader::is_pcapng() const { return wtap_file_type_subtype(wth_) == wtap_pcapng_file_type_subtype(); }

void RandomReader::load_all_interfaces() {
  if (all_interfaces_) return;
  all_interfaces_ = true;
  wtap_rec rec;
  Buffer buf;
  wtap_rec_init(&rec);
  ws_buffer_init(&buf, 1514);
  int err = 0;
  gchar *err_info = nullptr;
  gint64 offset = 0;
  while (wtap_read(wth_, &rec, &buf, &err, &err_info, &offset)) wtap_rec_reset(&rec);
  g_free(err_info);
  wtap_rec_cleanup(&rec);
  ws_buffer_free(&buf);
}

bool RandomReader::read(int64_t offset) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int err = 0;
    gchar *err_info = nullptr;
    wtap_rec_reset(&rec_);
    if (wtap_seek_read(wth_, offset, &rec_, &buf_, &err, &err_info)) {
      error_.clear();
      return true;
    }
    error_ = "record at offset " + std::to_string(offset) + ": " + describe(err, err_info);
    if (all_interfaces_ || !is_pcapng()) break;
    load_all_interfaces();
  }
  return false;
}

}  // namespace xtractr
