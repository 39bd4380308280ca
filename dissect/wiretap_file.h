// wiretap_file.h — what every reader and writer of captures needs from libwiretap: a file
// opened for reading, a record with its data buffer, and wiretap's errors as text.
//
// Usage (C++):
//   int err = 0;
//   std::string reason;
//   wtap *wth = open_wiretap(path, /*random_access=*/false, err, reason);
//   if (!wth) throw std::runtime_error("cannot read capture '" + path + "': " + reason);
//   WiretapRecord record;
//   while (wtap_read(wth, &record.rec, &record.buf, &err, &err_info, &offset)) ...
//
// How it works: libwiretap reports errno values for the system's errors and negative
// WTAP_ERR_* codes for its own, the latter with an optional detail (err_info) the caller must
// free; wiretap_error() spells both and frees the detail. CaptureReader (sequential),
// RandomReader (by offset) and CaptureWriter use these, so they describe a failure alike.
// The caller holds dissection_mutex().
#pragma once

#include <cstdint>
#include <string>

extern "C" {
#include <wiretap/wtap.h>
}

namespace xtractr {

// The text of wiretap error `err` (strerror, or wtap_strerror with its detail); frees err_info.
std::string wiretap_error(int err, gchar *err_info);

// Opens `path` for reading (random_access: wtap_seek_read works too), initialising
// libwireshark first. On failure returns nullptr, with `err` and `reason` (wiretap_error).
wtap *open_wiretap(const std::string &path, bool random_access, int &err, std::string &reason);

// A record and the buffer its bytes are read into, owned.
struct WiretapRecord {
  wtap_rec rec;
  Buffer buf;

  WiretapRecord() {
    wtap_rec_init(&rec);
    ws_buffer_init(&buf, 1514);
  }
  ~WiretapRecord() {
    wtap_rec_cleanup(&rec);
    ws_buffer_free(&buf);
  }
  WiretapRecord(const WiretapRecord &) = delete;
  WiretapRecord &operator=(const WiretapRecord &) = delete;

  const uint8_t *data() const { return ws_buffer_start_ptr(&buf); }
};

}  // namespace xtractr
