// random_reader.h — reads chosen records of a capture by their file offset (libwiretap).
//
// Usage (C++): RandomReader r("/x/day1.pcapng"); if (r.read(offset)) use(r.record(), r.data());
//
// How it works: the file is opened with a random-access handle (wtap_open_offline(...,
// random=TRUE)) and each record is read with wtap_seek_read at the offset the index stored
// (packets.offset, the data offset wtap_read reported). pcapng interfaces described after the
// first packets are only known once read sequentially, so a read that fails for that reason
// loads every interface with one sequential pass and is retried. The caller holds
// dissection_mutex() (wiretap shares libwireshark's process-wide state).
#pragma once

#include <cstdint>
#include <string>

#include "dissect/wiretap_file.h"

namespace xtractr {

class RandomReader {
 public:
  explicit RandomReader(const std::string &path);  // throws std::runtime_error naming the problem
  ~RandomReader();
  RandomReader(const RandomReader &) = delete;
  RandomReader &operator=(const RandomReader &) = delete;

  // Reads the record at `offset`; false (and error()) when it cannot be read.
  bool read(int64_t offset);
  const wtap_rec &record() const { return record_.rec; }
  wtap_rec &record() { return record_.rec; }
  const uint8_t *data() const { return record_.data(); }
  const std::string &error() const { return error_; }

  // Reads the file sequentially once so that every interface description is known.
  void load_all_interfaces();
  // Reads the blocks before the first record of a pcapng (its Decryption Secrets Blocks,
  // which wiretap keeps for wtap_set_cb_new_secrets: EpanSession); nothing for other files.
  // DSBs further on are read only by load_all_interfaces().
  void read_leading_blocks();

  wtap *handle() { return wth_; }
  const std::string &path() const { return path_; }
  int file_type_subtype() const { return wtap_file_type_subtype(wth_); }
  bool is_pcapng() const;

 private:
  std::string path_;
  wtap *wth_ = nullptr;
  WiretapRecord record_;
  std::string error_;
  bool all_interfaces_ = false;
  bool sequential_started_ = false;  // the sequential stream has been read from
};

}  // namespace xtractr
