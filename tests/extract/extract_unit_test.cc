// extract_unit_test.cc — Catch2 tests of the re-dissection helpers (dissect/extract).
//
// Usage: build/tests/extract/xtractr_extract_unit_tests   (or ctest -R "extract unit")
//
// How it works: every expectation is derived in the same run from an independent reading of
// the capture (a sequential CaptureReader pass), never typed in by hand: random reads must
// return the records the sequential pass saw, a written slice must read back as the same
// records, and the writer's refusals must leave the file system as it was. The FTP-DATA rules
// (ftp_data.h) are checked on a small control conversation and stream written out in the test.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <dirent.h>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "dissect/capture_reader.h"
#include "dissect/extract/capture_writer.h"
#include "dissect/extract/ftp_data.h"
#include "dissect/extract/object_collector.h"
#include "dissect/extract/random_reader.h"
#include "dissect/extract/stream_follower.h"
#include "dissect/wireshark_runtime.h"

using namespace xtractr;

namespace {

std::string data_dir() {
  const char *d = std::getenv("XTRACTR_TEST_DATA");
  return d ? d : XTRACTR_TEST_DATA_DIR;
}

struct Seen {
  int64_t offset;
  nstime_t ts;
  uint32_t caplen, len;
  std::string bytes;
};

std::vector<Seen> read_all(const std::string &path) {
  std::vector<Seen> out;
  CaptureReader r(path);
  while (r.next()) {
    const wtap_rec &rec = r.record();
    out.push_back(Seen{r.offset(), rec.ts, rec.rec_header.packet_header.caplen, rec.rec_header.packet_header.len,
                       std::string(reinterpret_cast<const char *>(r.data()), rec.rec_header.packet_header.caplen)});
  }
  return out;
}

std::string scratch() {
  char pattern[] = "/tmp/xtractr-extract-unit.XXXXXX";
  REQUIRE(mkdtemp(pattern));
  return pattern;
}

size_t entries(const std::string &dir) {
  size_t n = 0;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d)) n += std::string(e->d_name) != "." && std::string(e->d_name) != "..";
    closedir(d);
  }
  return n;
}

bool same(const Seen &a, const Seen &b) {
  return a.ts.secs == b.ts.secs && a.ts.nsecs == b.ts.nsecs && a.caplen == b.caplen && a.len == b.len &&
         a.bytes == b.bytes;
}

}  // namespace

TEST_CASE("random reads return the records a sequential pass saw", "[extract]") {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  for (const char *name : {"http_get_simple__zeek.pcap", "pcapng_multi_interface__zeek.pcapng",
                           "pcapng_zstd_compressed__pcpp.pcapng.zst"}) {
    std::string path = data_dir() + "/" + name;
    std::vector<Seen> all = read_all(path);
    REQUIRE(!all.empty());
    RandomReader reader(path);
    for (size_t i = all.size(); i-- > 0;) {  // backwards: really random access
      INFO(name << " record " << i);
      REQUIRE(reader.read(all[i].offset));
      const wtap_rec &rec = reader.record();
      Seen got{all[i].offset, rec.ts, rec.rec_header.packet_header.caplen, rec.rec_header.packet_header.len,
               std::string(reinterpret_cast<const char *>(reader.data()), rec.rec_header.packet_header.caplen)};
      CHECK(same(got, all[i]));
    }
  }
}

TEST_CASE("a written slice reads back as the chosen records, pcapng and pcap", "[extract]") {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  std::string dir = scratch();
  std::string input = data_dir() + "/http_get_simple__zeek.pcap";
  std::vector<Seen> all = read_all(input);
  REQUIRE(all.size() > 3);
  for (const char *ext : {".pcapng", ".pcap", ".pcapng.gz"}) {
    std::string out = dir + "/slice" + ext;
    RandomReader reader(input);
    CaptureWriter writer(out, false);
    std::vector<Seen> chosen;
    for (size_t i = 0; i < all.size(); i += 2) {
      writer.add(reader, all[i].offset);
      chosen.push_back(all[i]);
    }
    CHECK(writer.finish() == int64_t(chosen.size()));
    std::vector<Seen> back = read_all(out);
    REQUIRE(back.size() == chosen.size());
    for (size_t i = 0; i < back.size(); ++i) CHECK(same(back[i], chosen[i]));
  }
  CHECK(entries(dir) == 3);  // no temporary files left
  std::string cmd = "rm -rf " + dir;
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("the writer refuses to overwrite and leaves nothing behind on errors", "[extract]") {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  std::string dir = scratch();
  std::string input = data_dir() + "/http_get_simple__zeek.pcap";
  std::vector<Seen> all = read_all(input);
  std::string existing = dir + "/existing.pcap";
  { std::ofstream(existing) << "keep me"; }
  CHECK_THROWS_WITH(CaptureWriter(existing, false), Catch::Contains("already exists"));
  CHECK_THROWS_WITH(CaptureWriter(dir + "/notes.txt", false), Catch::Contains(".pcapng or .pcap"));
  CHECK_THROWS_WITH(CaptureWriter(dir + "/missing/dir/x.pcap", false), Catch::Contains("No such file"));
  {
    // abandoned before finish(): no file, no temporary
    RandomReader reader(input);
    CaptureWriter writer(dir + "/abandoned.pcapng", false);
    writer.add(reader, all[0].offset);
  }
  {
    // a read error midway: no file either
    RandomReader reader(input);
    CaptureWriter writer(dir + "/broken.pcapng", false);
    writer.add(reader, all[0].offset);
    CHECK_THROWS(writer.add(reader, int64_t(1) << 40));
  }
  CHECK(entries(dir) == 1);
  std::ifstream kept(existing);
  std::string text((std::istreambuf_iterator<char>(kept)), std::istreambuf_iterator<char>());
  CHECK(text == "keep me");
  {
    RandomReader reader(input);
    CaptureWriter writer(existing, true);
    writer.add(reader, all[0].offset);
    CHECK(writer.finish() == 1);
  }
  CHECK(read_all(existing).size() == 1);
  std::string cmd = "rm -rf " + dir;
  CHECK(std::system(cmd.c_str()) == 0);
}

TEST_CASE("the followed TCP stream holds every payload byte the records carry", "[extract]") {
  // http_get_simple has no loss or retransmission: the stream is the TCP payloads in order,
  // which the records themselves give (Ethernet + IPv4 + TCP headers, lengths from the headers).
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  std::string input = data_dir() + "/http_get_simple__zeek.pcap";
  std::vector<Seen> all = read_all(input);
  std::vector<FrameRef> frames;
  std::string payload;
  for (size_t i = 0; i < all.size(); ++i) {
    frames.push_back(FrameRef{uint32_t(i + 1), all[i].offset});
    const std::string &b = all[i].bytes;
    REQUIRE(b.size() > 54);
    size_t ip = 14, ihl = size_t(b[ip] & 15) * 4;
    size_t total = size_t(uint8_t(b[ip + 2])) << 8 | uint8_t(b[ip + 3]);
    size_t tcp = ip + ihl, thl = size_t(uint8_t(b[tcp + 12]) >> 4) * 4;
    payload += b.substr(tcp + thl, total - ihl - thl);
  }
  FollowResult followed = follow_stream(input, frames, StreamKind::Tcp);
  std::string joined;
  for (const StreamChunk &c : followed.chunks) {
    CHECK(c.gap == 0);
    joined += c.data;
  }
  CHECK(joined.size() == payload.size());
  CHECK(joined == payload);
}

TEST_CASE("object names are made safe for a file system", "[extract]") {
  ensure_wireshark();
  ExtractedObject o;
  o.filename = "../../etc/passwd";
  std::string name = safe_object_name(o);
  CHECK(name.find('/') == std::string::npos);
  o.filename.clear();
  o.packet = 42;
  CHECK(safe_object_name(o).find("42") != std::string::npos);
  // SHA-256 test vector (FIPS 180-2, "abc")
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("an undecodable body's note says why zlib rejects it", "[extract]") {
  // a gzip member built here with zlib, then spoiled in the ways a capture spoils it
  std::string text(5000, 'x');
  for (size_t i = 0; i < text.size(); ++i) text[i] = char('a' + (i * 7919) % 26);
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string gz(deflateBound(&z, uLong(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef *>(text.data());
  z.avail_in = uInt(text.size());
  z.next_out = reinterpret_cast<Bytef *>(gz.data());
  z.avail_out = uInt(gz.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  gz.resize(z.total_out);
  deflateEnd(&z);

  std::string bad_block = gz;
  bad_block[10] = char(bad_block[10] | 0x06);  // first deflate block: reserved type 3
  CHECK(undecodable_reason("gzip", bad_block) == "invalid block type");
  CHECK(undecodable_reason("GZIP", bad_block) == "invalid block type");
  CHECK(undecodable_reason("gzip", gz.substr(0, gz.size() / 2)) == "the stream ends early (truncated)");
  CHECK(undecodable_reason("gzip", "plain text, not gzip") == "incorrect header check");
  CHECK(undecodable_reason("gzip", gz) == "Wireshark's decoder rejected it");
  CHECK(undecodable_reason("br", gz) == "not a valid Brotli stream");
  CHECK(undecodable_reason("compress", gz) == "Wireshark 4.0 does not decode this content coding");
  // deflate: zlib-wrapped first, then raw; the last attempt's reason is reported
  CHECK(undecodable_reason("deflate", "\xff\xff\xff\xff") == "invalid block type");
}

TEST_CASE("FTP-DATA: each RETR/STOR takes the data connection its PASV/PORT announced", "[extract]") {
  ensure_wireshark();  // safe_object_name asks libwireshark
  FtpControlReader control;
  auto frame = [](int64_t id, int64_t flow) {
    FtpControlFrame f;
    f.frame = id;
    f.control = flow;
    return f;
  };
  FtpControlFrame f = frame(3, 1);  // a RETR with no announcement before it: no transfer
  f.command = "RETR";
  f.argument = "early.txt";
  control.add(f);
  f = frame(5, 1);  // 227 Entering Passive Mode (...,19,137) on connection 1
  f.code = 227;
  f.passive_port = 5001;
  control.add(f);
  f = frame(6, 7);  // connection 7 (read later in the real pass, earlier in frame order)
  f.command = "port";
  f.active_port = 20020;
  control.add(f);
  f = frame(9, 1);
  f.command = "retr";
  f.argument = "/pub/dir/report.pdf";
  control.add(f);
  f = frame(8, 7);
  f.command = "STOR";
  f.argument = "up.bin";
  control.add(f);
  f = frame(12, 1);  // the announcement was used: no second transfer
  f.command = "RETR";
  f.argument = "again.txt";
  control.add(f);
  std::vector<FtpTransfer> transfers = control.transfers();
  REQUIRE(transfers.size() == 2);
  CHECK(transfers[0].command_frame == 8);
  CHECK(transfers[0].command == "STOR");
  CHECK(transfers[0].port == 20020);
  CHECK(transfers[0].setup_frame == 6);
  CHECK(transfers[1].command == "RETR");
  CHECK(transfers[1].argument == "/pub/dir/report.pdf");
  CHECK(transfers[1].port == 5001);

  // connections by first packet: one to 5001 that starts before the announcement, then the
  // active one, then two to 5001 after it (the first of which is taken)
  std::vector<TcpConnection> connections = {{20, 5001, 4}, {21, 20020, 7}, {22, 5001, 10}, {23, 5001, 11}};
  std::vector<std::optional<size_t>> data = match_data_connections(transfers, connections);
  REQUIRE(data.size() == 2);
  CHECK(data[0] == std::optional<size_t>(1));
  CHECK(data[1] == std::optional<size_t>(2));
  transfers.push_back(transfers[1]);  // a second transfer on the same announcement finds the next one
  CHECK(match_data_connections(transfers, connections)[2] == std::optional<size_t>(3));
  connections.pop_back();
  CHECK(!match_data_connections(transfers, connections)[2]);
}

TEST_CASE("FTP-DATA: the file is the fuller direction, named from the argument, gaps noted", "[extract]") {
  ensure_wireshark();
  FtpTransfer retr{9, "RETR", "/pub/dir/report.pdf", 5001, 5};
  std::vector<StreamChunk> chunks(4);
  chunks[0] = StreamChunk{true, 14, 0, 0, "%PDF-1.4 ", 0};
  chunks[1] = StreamChunk{false, 15, 0, 0, "x", 0};
  chunks[2] = StreamChunk{true, 16, 0, 0, "", 1200};
  chunks[3] = StreamChunk{true, 18, 0, 0, "%%EOF", 0};
  std::optional<FtpFile> file = assemble_ftp_file(retr, chunks);
  REQUIRE(file);
  CHECK(file->filename == "report.pdf");
  CHECK(file->data == "%PDF-1.4 %%EOF");
  CHECK(file->note == "incomplete: 1200 bytes missing from the capture");
  CHECK(file->last_packet == 18);

  chunks.erase(chunks.begin() + 2);
  FtpTransfer dir_arg{9, "STOR", "incoming/", 5001, 5};  // a trailing slash keeps the whole argument
  file = assemble_ftp_file(dir_arg, chunks);
  REQUIRE(file);
  CHECK(file->note.empty());
  CHECK(file->filename.find('/') == std::string::npos);
  CHECK(!assemble_ftp_file(retr, {}));  // a refused transfer: nothing crossed
  // the side is chosen by bytes: a server-side gap alone leaves nothing; a client-side one
  // (the side chosen when neither carried bytes) is listed, empty, with its note, and the
  // command frame stands for the packet
  CHECK(!assemble_ftp_file(retr, {StreamChunk{true, 20, 0, 0, "", 512}}));
  file = assemble_ftp_file(retr, {StreamChunk{false, 20, 0, 0, "", 512}});
  REQUIRE(file);
  CHECK(file->data.empty());
  CHECK(file->last_packet == 0);
  CHECK(file->note == "incomplete: 512 bytes missing from the capture");
}
