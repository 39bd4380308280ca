// fuzz_capture.cc — libFuzzer target: reading a capture through libwiretap
// (dissect/capture_reader.h), as the indexer reads every record of a file it is given.
//
// Usage: build-fuzz/tests/fuzz/fuzz_capture -max_total_time=600 CORPUS_COPY tests/fuzz/corpus/capture
//
// How it works: the bytes are a capture file in memory (memfd_create), opened by its
// /proc/self/fd path as CaptureReader opens any path: pcap, pcapng, gzip/zstd compressed, or
// any other format wiretap recognises. Every record is read — each of its bytes, and its link type's
// name — until the end or an error. CaptureOpenError (not a capture) and a read error (error()) are the
// right answers to damage; a crash or a sanitizer report is a finding — in our code, or in
// libwiretap as we call it. libwireshark is initialised once (~1 s).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "dissect/capture_reader.h"
#include "dissect/wireshark_runtime.h"

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  xtractr::ensure_wireshark();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = memfd_create("capture", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (size && write(fd, data, size) != ssize_t(size)) {
    close(fd);
    return 0;
  }
  try {
    xtractr::CaptureReader reader("/proc/self/fd/" + std::to_string(fd));
    reader.format();
    reader.compression();
    volatile uint8_t sum = 0;
    while (reader.next()) {
      const wtap_rec &record = reader.record();
      if (record.rec_type != REC_TYPE_PACKET) continue;
      // every byte the indexer would dissect: a record longer than its buffer is a finding
      for (uint32_t i = 0; i < record.rec_header.packet_header.caplen; ++i) sum = sum + reader.data()[i];
      xtractr::encapsulation_name(record.rec_header.packet_header.pkt_encap);
    }
  } catch (const xtractr::CaptureOpenError &) {
  }
  close(fd);
  return 0;
}
