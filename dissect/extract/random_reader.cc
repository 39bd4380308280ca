// random_reader.cc — see random_reader.h.
#include "dissect/extract/random_reader.h"

#include <stdexcept>

namespace xtractr {

RandomReader::RandomReader(const std::string &path) : path_(path) {
  int err = 0;
  std::string reason;
  wth_ = open_wiretap(path, /*random_access=*/true, err, reason);
  if (!wth_) throw std::runtime_error("cannot read capture '" + path + "': " + reason);
}

RandomReader::~RandomReader() { wtap_close(wth_); }

bool RandomReader::is_pcapng() const { return wtap_file_type_subtype(wth_) == wtap_pcapng_file_type_subtype(); }

void RandomReader::load_all_interfaces() {
  if (all_interfaces_) return;
  all_interfaces_ = true;
  sequential_started_ = true;
  WiretapRecord scratch;
  int err = 0;
  gchar *err_info = nullptr;
  gint64 offset = 0;
  while (wtap_read(wth_, &scratch.rec, &scratch.buf, &err, &err_info, &offset)) wtap_rec_reset(&scratch.rec);
  g_free(err_info);
}

void RandomReader::read_leading_blocks() {
  if (sequential_started_ || !is_pcapng()) return;
  sequential_started_ = true;
  WiretapRecord scratch;
  int err = 0;
  gchar *err_info = nullptr;
  gint64 offset = 0;
  wtap_read(wth_, &scratch.rec, &scratch.buf, &err, &err_info, &offset);
  g_free(err_info);
}

bool RandomReader::read(int64_t offset) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int err = 0;
    gchar *err_info = nullptr;
    wtap_rec_reset(&record_.rec);
    if (wtap_seek_read(wth_, offset, &record_.rec, &record_.buf, &err, &err_info)) {
      error_.clear();
      return true;
    }
    error_ = "record at offset " + std::to_string(offset) + ": " + wiretap_error(err, err_info);
    if (all_interfaces_ || !is_pcapng()) break;
    load_all_interfaces();
  }
  return false;
}

}  // namespace xtractr
