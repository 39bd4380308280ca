// record_reader.cc — see record_reader.h.
#include "dissect/record_reader.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "dissect/capture_reader.h"
#include "dissect/wireshark_runtime.h"

namespace xtractr {

RecordReader::RecordReader(const std::string &path) : path_(path) {
  ensure_wireshark();
  wtap_rec_init(&rec_);
  ws_buffer_init(&buf_, 1514);
  int err = 0;
  gchar *err_info = nullptr;
  wth_ = wtap_open_offline(path.c_str(), WTAP_TYPE_AUTO, &err, &err_info, TRUE);
  if (!wth_) {
    wtap_rec_cleanup(&rec_);
    ws_buffer_free(&buf_);
    std::string reason = err > 0 ? std::strerror(err) : wtap_strerror(err);
    g_free(err_info);
    throw CaptureOpenError(reason);
  }
}

RecordReader::~RecordReader() {
  if (wth_) wtap_close(wth_);
  wtap_rec_cleanup(&rec_);
  ws_buffer_free(&buf_);
}

const wtap_rec &RecordReader::read(int64_t offset) {
  int err = 0;
  gchar *err_info = nullptr;
  wtap_rec_reset(&rec_);
  bool ok = wtap_seek_read(wth_, offset, &rec_, &buf_, &err, &err_info);
  if (!ok && catch_up(offset)) {
    // the record's interface (a pcapng IDB, a later section) is known now: try again
    g_free(err_info);
    err_info = nullptr;
    err = 0;
    wtap_rec_reset(&rec_);
    ok = wtap_seek_read(wth_, offset, &rec_, &buf_, &err, &err_info);
  }
  if (!ok) {
    std::string reason = err ? wtap_strerror(err) : "no record there";
    if (err_info) reason += std::string(" (") + err_info + ")";
    g_free(err_info);
    throw std::runtime_error("cannot read back a record of '" + path_ + "' at offset " + std::to_string(offset) +
                             ": " + reason + " (was the capture changed?)");
  }
  return rec_;
}

// wiretap learns a pcapng file's interfaces (and sections) as its sequential reader meets
// them, and wtap_seek_read of a record whose interface block comes later in the file fails
// ("interface index 1 is not less than section interface count 1"). tshark never hits this:
// it reads sequentially first. Reading sequentially up to the record makes it readable.
bool RecordReader::catch_up(int64_t offset) {
  if (sequential_offset_ >= offset) return false;  // already past it: a real error
  int err = 0;
  gchar *err_info = nullptr;
  gint64 at = 0;
  wtap_rec rec;
  Buffer buf;
  wtap_rec_init(&rec);
  ws_buffer_init(&buf, 1514);
  bool moved = false;
  while (sequential_offset_ < offset && wtap_read(wth_, &rec, &buf, &err, &err_info, &at)) {
    sequential_offset_ = at;
    moved = true;
    wtap_rec_reset(&rec);
  }
  if (sequential_offset_ < offset) sequential_offset_ = INT64_MAX;  // end or error: nothing more to learn
  g_free(err_info);
  wtap_rec_cleanup(&rec);
  ws_buffer_free(&buf);
  return moved;
}

std::string RecordReader::bytes() const {
  uint32_t length = rec_.rec_type == REC_TYPE_PACKET ? rec_.rec_header.packet_header.caplen
                                                     : uint32_t(ws_buffer_length(&buf_));
  return std::string(reinterpret_cast<const char *>(ws_buffer_start_ptr(&buf_)), length);
}

}  // namespace xtractr
