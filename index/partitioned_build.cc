// partitioned_build.cc — see partitioned_build.h.
#include "index/partitioned_build.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <queue>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dissect/capture_reader.h"
#include "dissect/frame_dissector.h"
#include "dissect/partition_key.h"
#include "dissect/service_name.h"
#include "dissect/wireshark_runtime.h"
#include "index/build_process.h"
#include "index/build_settings.h"
#include "index/frame_stream.h"
#include "index/index_location.h"
#include "index/index_meta.h"
#include "index/index_pipeline.h"
#include "index/partition_map.h"
#include "index/payload_grams.h"

extern char **environ;

namespace xtractr {

namespace {

constexpr int64_t kMinPartitionedBytes = 16ll << 20;
constexpr int kMaxPartitions = 4096;
constexpr double kMaxLargestShare = 0.9;       // of the capture's cost, in one partition: one pass instead
constexpr uint32_t kWatermarkEvery = 1 << 16;  // skipped records between a worker's watermarks

std::string system_error(const std::string &what) { return what + ": " + std::strerror(errno); }

// A descriptor closed when done with.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd &&other) noexcept : fd(other.fd) { other.fd = -1; }
  Fd &operator=(Fd &&other) noexcept {
    std::swap(fd, other.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// A running worker: killed and reaped if still running when it goes out of scope.
class Worker {
 public:
  // Starts the worker of `partition`, its frames written to `out`.
  Worker(const std::string &capture, const std::string &map, int partition, int partitions, int out);
  ~Worker();
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;
  // Waits for its exit: fine, or CannotPartition (it said why in its stream), or WorkerFailed.
  void finish(int64_t &peak_rss_kb);

 private:
  pid_t pid_ = 0;
};

std::string this_program() {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw std::runtime_error(system_error("cannot find the indexer program"));
  return std::string(path, size_t(n));
}

Worker::Worker(const std::string &capture, const std::string &map, int partition, int partitions, int out) {
  static const std::string program = this_program();
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, out, kWorkerFramesFd);  // `out` is above kWorkerFramesFd, close-on-exec
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  // report::kFd and stderr are inherited: a worker reports its own crash or error to the host
  const std::string p = std::to_string(partition), n = std::to_string(partitions), parent = std::to_string(getpid());
  std::vector<char *> argv{const_cast<char *>(program.c_str()), const_cast<char *>("--worker"),
                           const_cast<char *>(p.c_str()),       const_cast<char *>(n.c_str()),
                           const_cast<char *>(capture.c_str()), const_cast<char *>(map.c_str()),
                           const_cast<char *>(parent.c_str()),  nullptr};
  int rc = posix_spawn(&pid_, program.c_str(), &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  if (rc != 0) {
    pid_ = 0;
    errno = rc;
    throw std::runtime_error(system_error("cannot start an indexing worker"));
  }
}

Worker::~Worker() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

void Worker::finish(int64_t &peak_rss_kb) {
  int status = 0;
  struct rusage usage {};
  while (wait4(pid_, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  pid_ = 0;
  peak_rss_kb = std::max<int64_t>(peak_rss_kb, usage.ru_maxrss);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFEXITED(status) && WEXITSTATUS(status) == kWorkerCannotPartition)
    throw CannotPartition("a worker found the capture cannot be partitioned");
  throw WorkerFailed(status);
}

// A descriptor for a worker's output, above kWorkerFramesFd and closed on exec (posix_spawn's dup2
// clears the flag on the worker's copy only).
int high_fd(int fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, kWorkerFramesFd + 1);
  ::close(fd);
  if (high < 0) throw std::runtime_error(system_error("fcntl"));
  return high;
}

std::string spool_path(const std::string &directory, int partition) {
  return directory + "/spool-" + std::to_string(partition);
}

// Partitions beyond the first `workers` run first, `workers` at a time, into spool files.
void spool_partitions(const std::string &capture, const std::string &directory, const std::string &map,
                      const PartitionPlan &plan, int64_t &peak_rss_kb) {
  for (int first = plan.workers; first < plan.partitions; first += plan.workers) {
    std::vector<std::unique_ptr<Worker>> running;
    for (int p = first; p < std::min(first + plan.workers, plan.partitions); ++p) {
      int fd = ::open(spool_path(directory, p).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0) throw std::runtime_error(system_error("cannot create " + spool_path(directory, p)));
      Fd out(high_fd(fd));
      running.push_back(std::make_unique<Worker>(capture, map, p, plan.partitions, out.fd));
    }
    for (auto &worker : running) worker->finish(peak_rss_kb);
  }
}

// The counters libwireshark assigns in order of first appearance, renumbered across
// partitions: a value's global number is its rank among all first appearances.
class CounterRenumbering {
 public:
  explicit CounterRenumbering(int sources) {
    for (const char *name : {"tcp.stream", "udp.stream", "dccp.stream", "bt-utp.stream", "quic.connection.number"}) {
      int hf = field_id(name);
      if (hf < 0) continue;
      if (size_t(hf) >= slot_.size()) slot_.resize(size_t(hf) + 1, -1);
      slot_[size_t(hf)] = int(counters_.size());
      counters_.push_back(Counter{hf, 0, std::vector<std::unordered_map<int64_t, int64_t>>(size_t(sources))});
    }
    tcp_ = slot_of(field_id("tcp.stream"));
    udp_ = slot_of(field_id("udp.stream"));
  }

  void renumber(FrameRecord &frame, int source) {
    bool any = false;
    for (FieldValue &v : frame.fields) {
      int slot = slot_of(v.hf_id);
      if (slot < 0) continue;
      any = true;
      auto &map = counters_[size_t(slot)].global[size_t(source)];
      if (map.find(v.integer) == map.end()) fresh_.emplace_back(slot, v.integer);
    }
    if (!any) return;
    // values new in this frame: numbered in their partition's order (the order of creation)
    std::sort(fresh_.begin(), fresh_.end());
    fresh_.erase(std::unique(fresh_.begin(), fresh_.end()), fresh_.end());
    for (auto [slot, local] : fresh_) {
      Counter &c = counters_[size_t(slot)];
      c.global[size_t(source)][local] = c.next++;
    }
    fresh_.clear();
    for (FieldValue &v : frame.fields)
      if (int slot = slot_of(v.hf_id); slot >= 0) v.integer = counters_[size_t(slot)].global[size_t(source)][v.integer];
    renumber_streams(frame.tcp_stream, frame.udp_stream, source);
    for (TunnelLayer &t : frame.tunnels) renumber_streams(t.tcp_stream, t.udp_stream, source);
  }

 private:
  int slot_of(int hf) const { return hf >= 0 && size_t(hf) < slot_.size() ? slot_[size_t(hf)] : -1; }
  // A frame's or tunnel's stream numbers, already renumbered in its fields.
  void renumber_streams(int64_t &tcp, int64_t &udp, int source) {
    if (tcp >= 0 && tcp_ >= 0) tcp = counters_[size_t(tcp_)].global[size_t(source)][tcp];
    if (udp >= 0 && udp_ >= 0) udp = counters_[size_t(udp_)].global[size_t(source)][udp];
  }
  struct Counter {
    int hf;
    int64_t next;
    std::vector<std::unordered_map<int64_t, int64_t>> global;  // per partition: its value → global
  };
  std::vector<Counter> counters_;
  std::vector<int> slot_;  // hf id → counter, -1
  std::vector<std::pair<int, int64_t>> fresh_;
  int tcp_ = -1, udp_ = -1;
};

std::string pair_text(const std::string &a, const std::string &b) { return a < b ? a + " " + b : b + " " + a; }

bool has_layer(const std::vector<std::string_view> &layers, std::string_view name) {
  return std::find(layers.begin(), layers.end(), name) != layers.end();
}

// Where a frame announces a conversation of its own: the media hosts of SDP (RTP, RTCP, T.38,
// MSRP ...) and the data connection of an FTP PORT/PASV/EPRT/EPSV naming a third host. Such
// conversations are dissected as such only in the announcing frame's partition: an announced
// SDP host, or an FTP third host paired with either control host, seen in another partition —
// before or after the announcement — and the capture is indexed in one pass. (A NATed FTP
// server's private address, never paired in the capture, changes nothing.) Likewise a QUIC
// connection ID seen in two partitions (libwireshark matches QUIC packets by ID).
class AnnouncedCheck {
 public:
  AnnouncedCheck() {
    sdp_ = field_id("sdp.connection_info.address");
    const std::pair<const char *, int> ids[] = {{"quic.dcid", 0}, {"quic.scid", 0}, {"smb2.sesid", 1}};
    for (auto [name, kind] : ids)
      if (int id = field_id(name); id >= 0) ids_[id] = kind;
    for (const char *name :
         {"ftp.passive.ip", "ftp.active.cip", "ftp.eprt.ip", "ftp.eprt.ipv6", "ftp.epsv.ip", "ftp.epsv.ipv6"})
      if (int id = field_id(name); id >= 0) ftp_.insert(id);
  }

  // `pair`: pair_text of the frame's addresses, "" when it has none
  void check(const FrameRecord &frame, const std::string &pair, int partition) {
    for (const std::string *address : {&frame.net_src, &frame.net_dst})
      if (!address->empty()) hosts_.see(*address, partition);
    // QUIC finds its connections by connection ID, SMB2 its sessions by session ID, whatever
    // the addresses (migration, multichannel): the pre-pass links those it reads
    for (const FieldValue &v : frame.fields) {
      auto id = ids_.find(v.hf_id);
      if (id == ids_.end()) continue;
      std::string value = v.kind == ValueKind::Integer ? std::to_string(v.integer) : std::string(frame.text(v));
      if (value.empty() || value == "0") continue;
      auto [it, added] = seen_ids_.emplace(std::to_string(id->second) + ":" + value, partition);
      if (!added && it->second != partition)
        throw CannotPartition(field_name(v.hf_id) + " " + value + " is used in several partitions");
    }
    if (!pair.empty()) pairs_.see(pair, partition);
    for (const FieldValue &v : frame.fields) {
      if (v.hf_id == sdp_) hosts_.announce(std::string(frame.text(v)), partition);
      if (!ftp_.count(v.hf_id)) continue;
      std::string address(frame.text(v));
      if (address == frame.net_src || address == frame.net_dst) continue;  // its own pair: same partition
      pairs_.announce(pair_text(address, frame.net_src), partition);
      pairs_.announce(pair_text(address, frame.net_dst), partition);
    }
  }

 private:
  // Keys (hosts or pairs) announced in one partition and seen in others.
  struct Ledger {
    static constexpr int kSeveral = -1;
    std::unordered_map<std::string, int> announced, seen;  // key → partition (seen: or kSeveral)
    void see(const std::string &key, int partition) {
      auto [it, added] = seen.emplace(key, partition);
      if (!added && it->second != partition) it->second = kSeveral;
      if (auto a = announced.find(key); a != announced.end() && a->second != partition) fail(key);
    }
    void announce(const std::string &key, int partition) {
      auto [it, added] = announced.emplace(key, partition);
      if (!added && it->second != partition) fail(key);
      if (auto s = seen.find(key); s != seen.end() && s->second != partition) fail(key);
    }
    [[noreturn]] static void fail(const std::string &key) {
      throw CannotPartition("a conversation announced for " + key + " may be in another partition");
    }
  };
  int sdp_ = -1;
  std::unordered_set<int> ftp_;
  Ledger hosts_, pairs_;
  std::unordered_map<int, int> ids_;               // an ID field → its kind (both QUIC IDs: one)
  std::unordered_map<std::string, int> seen_ids_;  // kind:value → partition
};

// Checks, across partitions, that no conversation's frames were split: a transport stream's
// address pair (inside a tunnel, the inner one) and ARP each stay in one partition.
class SplitCheck {
 public:
  // `pair`: pair_text of the frame's addresses, "" when it has none
  void check(const FrameRecord &frame, const std::string &pair, int partition) {
    if ((frame.tcp_stream >= 0 || frame.udp_stream >= 0) && !pair.empty()) {
      auto [it, added] = pairs_.emplace(pair, partition);
      if (!added && it->second != partition)
        throw CannotPartition("the conversations between " + it->first + " travel between several address pairs");
    }
    if (has_layer(protocol_layers(frame.protocols), "arp")) {
      if (arp_ < 0) arp_ = partition;
      if (arp_ != partition) throw CannotPartition("ARP frames travel between several address pairs");
    }
  }

 private:
  std::unordered_map<std::string, int> pairs_;
  int arp_ = -1;
};

// One partition's frames, from a live worker's pipe or a spool file.
struct Source {
  Fd fd;
  std::unique_ptr<FrameStreamReader> reader;
  Worker *worker = nullptr;  // live partitions
  FrameRecord head;
  FrameStreamReader::Item item = FrameStreamReader::End;  // of the head: a frame or a watermark
};

// The next item of `s`: a frame into s.head, or a watermark; at the end notes the read error.
void advance(Source &s, std::string &read_error, int64_t &peak_rss_kb) {
  try {
    s.item = s.reader->next(s.head);
  } catch (const std::runtime_error &) {
    if (s.worker) s.worker->finish(peak_rss_kb);  // throws WorkerFailed: it said why
    throw;
  }
  if (s.item == FrameStreamReader::Fallback) throw CannotPartition(s.reader->message());
  if (s.item == FrameStreamReader::End && read_error.empty()) read_error = s.reader->message();
}

// Merges the partitions by frame number into the pipeline. A partition's watermark W orders
// after frame W: the frames of others up to W go first, then its next item is read.
void merge(std::vector<Source> &sources, IndexPipeline &pipeline, BuildObserver *observer, std::string &read_error,
           int64_t &peak_rss_kb) {
  CounterRenumbering counters(int(sources.size()));
  SplitCheck split;
  AnnouncedCheck announced;
  struct Head {
    uint64_t key;  // frame number << 1 | is a watermark
    int source;
    bool operator>(const Head &other) const { return key > other.key; }
  };
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
  auto push = [&](int i) {
    Source &s = sources[size_t(i)];
    if (s.item == FrameStreamReader::Frame) heads.push(Head{uint64_t(s.head.number) << 1, i});
    if (s.item == FrameStreamReader::Watermark) heads.push(Head{uint64_t(s.reader->watermark()) << 1 | 1, i});
  };
  for (size_t i = 0; i < sources.size(); ++i) {
    advance(sources[i], read_error, peak_rss_kb);
    push(int(i));
  }
  while (!heads.empty()) {
    const int i = heads.top().source;
    heads.pop();
    Source &s = sources[size_t(i)];
    if (s.item == FrameStreamReader::Frame) {
      const std::string pair = s.head.net_src.empty() ? std::string() : pair_text(s.head.net_src, s.head.net_dst);
      split.check(s.head, pair, i);
      announced.check(s.head, pair, i);
      counters.renumber(s.head, i);
      if (observer) observer->frame(s.head.number, s.head.file_offset);
      pipeline.add(s.head);
    }
    advance(s, read_error, peak_rss_kb);
    push(i);
  }
}

// Protocols whose dissection sets up state for other address pairs (RTP from SDP, GTP
// sessions, MPTCP subflows, SCTP multihoming ...): their captures are indexed in one pass.
constexpr const char *kCrossPairProtocols[] = {"sip",  "sdp",    "mgcp",     "h225",    "h245",     "rtsp", "skinny",
                                               "gtp",  "gtpv2",  "gtpprime", "mptcp",   "sctp",     "wg",   "iax2",
                                               "msrp", "megaco", "h248",     "sigcomp", "rtpproxy", "bfcp", "unistim"};

// Why a worker's frame may depend on frames of other partitions, or "". Signalling belongs
// in partition 0 (signalling hosts); elsewhere (an unusual port, a heuristic dissector) it may
// set up conversations of other partitions.
std::string cross_pair_protocol(const FrameRecord &f, int partition) {
  if (partition == 0) return {};
  const std::vector<std::string_view> layers = protocol_layers(f.protocols);
  for (const char *name : kCrossPairProtocols)
    if (has_layer(layers, name))
      return std::string(name) + " in frame " + std::to_string(f.number) + " sets up conversations of other hosts";
  return {};
}

}  // namespace

PartitionPlan plan_partitions(const std::string &capture) {
  PartitionPlan plan;
  plan.workers = int(std::min<int64_t>(effective_build_setting("workers"), 256));
  // XTRACTR_PARTITIONS: a forced partition count (tests)
  if (int64_t forced = positive_environment_number("XTRACTR_PARTITIONS")) {
    plan.partitions = int(std::min<int64_t>(forced, kMaxPartitions));
    plan.workers = std::min(plan.workers, plan.partitions);
    plan.forced = true;
    return plan;
  }
  struct stat st {};
  const int64_t size = stat(capture.c_str(), &st) == 0 ? int64_t(st.st_size) : 0;
  if (size < kMinPartitionedBytes) return PartitionPlan{};
  const int64_t budget = effective_build_setting("partition_bytes");
  // a multiple of the workers: each round of spooled partitions keeps every worker busy
  const int64_t rounds = (size + plan.workers * budget - 1) / (plan.workers * budget);
  plan.partitions = int(std::min<int64_t>(rounds * plan.workers, kMaxPartitions));
  if (plan.partitions == 1) plan.workers = 1;
  return plan;
}

IndexSummary build_partitioned(const std::string &capture, const std::string &directory, const PartitionPlan &plan,
                               BuildObserver *observer) {
  auto started = std::chrono::steady_clock::now();
  // the workers dissect; this process learns their fields from their streams and never
  // starts libwireshark (~140 MB, field_registry.h)
  AnnouncedFields announced_fields;
  const CaptureStamp stamp = stamp_of(capture);
  IndexSummary summary;
  summary.capture = capture;
  {
    std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
    CaptureReader reader(capture);  // throws CaptureOpenError before anything is written
    summary.format = reader.format();
    summary.compression = reader.compression();
  }
  summary.workers = plan.workers;
  summary.partitions = plan.partitions;
  make_directories(directory);

  const std::string map = directory + "/partition-map";
  const PartitionMap partition_map = PartitionMap::scan(capture, plan.partitions, listed_records_path(map));
  // most of the capture in one partition (one busy address pair, frames without addresses):
  // its worker would take as long as one pass, the others reading the whole capture for little
  const double largest = partition_map.largest_share();
  if (!plan.forced && largest > kMaxLargestShare)
    throw CannotPartition(std::to_string(int(largest * 100)) + " % of the capture falls in one partition");
  partition_map.write(map);
  spool_partitions(capture, directory, map, plan, summary.peak_rss_kb);
  std::vector<Source> sources(size_t(plan.partitions));
  std::vector<std::unique_ptr<Worker>> live;
  auto field_ids = std::make_shared<std::vector<int>>();  // one table for every reader (frame_stream.h)
  for (int p = 0; p < plan.partitions; ++p) {
    Source &s = sources[size_t(p)];
    if (p < plan.workers) {
      int ends[2];
      if (pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error(system_error("pipe"));
      s.fd = Fd(ends[0]);
      fcntl(ends[1], F_SETPIPE_SZ, 1 << 20);  // fewer wake-ups; a smaller pipe works too
      Fd out(high_fd(ends[1]));
      live.push_back(std::make_unique<Worker>(capture, map, p, plan.partitions, out.fd));
      s.worker = live.back().get();
    } else {
      s.fd = Fd(::open(spool_path(directory, p).c_str(), O_RDONLY | O_CLOEXEC));
      if (s.fd.fd < 0) throw std::runtime_error(system_error("cannot read " + spool_path(directory, p)));
      ::unlink(spool_path(directory, p).c_str());  // gone when read
    }
    s.reader = std::make_unique<FrameStreamReader>(s.fd.fd, field_ids);
  }

  IndexPipeline pipeline(directory);
  std::string read_error;
  merge(sources, pipeline, observer, read_error, summary.peak_rss_kb);
  for (auto &worker : live) worker->finish(summary.peak_rss_kb);
  ::unlink(map.c_str());  // read by every worker when it started
  ::unlink(listed_records_path(map).c_str());
  summary.frames = pipeline.frames();
  check_read_end(summary, read_error);
  pipeline.finish(summary, stamp, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  summary.directory = directory;
  return summary;
}

namespace {

// A worker reading the capture itself: every record, dissecting its own.
void dissect_read_partition(CaptureReader &reader, const PartitionMap &map, int partition, int partitions,
                            FrameStreamWriter &out, const std::function<void(FrameRecord &)> &emit) {
  uint32_t record = 0, skipped = 0;
  FrameDissector dissector(reader, [&](const wtap_rec &rec, const uint8_t *data) {
    ++record;
    // a long run of others' frames: tell the merge how far this partition has got
    if (++skipped % kWatermarkEvery == 0) out.watermark(record - 1);
    if (rec.rec_type != REC_TYPE_PACKET) throw CannotPartition("record " + std::to_string(record) + " is not a packet");
    const int encap = rec.rec_header.packet_header.pkt_encap;
    PartitionKey key = partition_key(encap, data, rec.rec_header.packet_header.caplen);
    if (!key.known) throw CannotPartition("link type " + encapsulation_name(encap) + " is not partitioned");
    const bool mine = map.partition_of(key, partitions) == partition;
    if (mine) skipped = 0;
    return mine;
  });
  FrameRecord frame;
  while (dissector.next(frame)) emit(frame);
  out.end(reader.error());
}

// A worker reading the pre-pass's record list (partition_map.h) and only its own frames.
void dissect_listed_partition(CaptureReader &reader, const std::string &list_path, const PartitionMap &map,
                              int partition, int partitions, FrameStreamWriter &out,
                              const std::function<void(FrameRecord &)> &emit) {
  PartitionRecords records(list_path);
  FrameDissector dissector(reader);
  FrameRecord frame;
  ListedRecord r{}, previous{};
  nstime_t first{}, before{};
  uint32_t number = 0, skipped = 0;
  for (; records.next(r); previous = r) {
    ++number;
    if (number == 1) first = nstime_t{time_t(r.seconds), int(r.nanoseconds)};
    if (++skipped % kWatermarkEvery == 0) out.watermark(number - 1);
    if (r.kind == ListedRecord::kNotAPacket)
      throw CannotPartition("record " + std::to_string(number) + " is not a packet");
    if (r.kind == ListedRecord::kUnknownKey)
      throw CannotPartition("link type " + encapsulation_name(r.encap) + " is not partitioned");
    if (map.partition_of_hash(r.hash, partitions) != partition) continue;
    skipped = 0;
    before = nstime_t{time_t(previous.seconds), int(previous.nanoseconds)};
    if (!dissector.dissect_at(frame, number, r.offset, before, first))
      throw std::runtime_error("cannot read frame " + std::to_string(number) + ": " + reader.error());
    emit(frame);
  }
  out.end(records.read_error());
}

}  // namespace

int run_partition_worker(const std::string &capture, const std::string &map_path, int partition, int partitions,
                         int out_fd, BuildObserver *observer) {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  const PartitionMap map = PartitionMap::read(map_path);
  const std::string list = listed_records_path(map_path);
  const bool listed = ::access(list.c_str(), R_OK) == 0;
  CaptureReader reader(capture, /*random_access=*/listed);
  FrameStreamWriter out(out_fd);
  const bool payload_index = payload_index_requested();
  auto emit = [&](FrameRecord &frame) {
    if (observer) observer->frame(frame.number, frame.file_offset);
    std::string why = cross_pair_protocol(frame, partition);
    if (!why.empty()) throw CannotPartition(why);
    if (payload_index) keep_frame_bytes(frame);  // the merge's payload index reads them
    out.frame(frame);
  };
  try {
    if (listed)
      dissect_listed_partition(reader, list, map, partition, partitions, out, emit);
    else
      dissect_read_partition(reader, map, partition, partitions, out, emit);
  } catch (const CannotPartition &e) {
    out.fallback(e.what());
    return kWorkerCannotPartition;
  }
  return 0;
}

}  // namespace xtractr
