// partitioned_build.h — a capture indexed by several worker processes at once, each
// dissecting one partition of its conversations, merged back into one index.
//
// Usage (C++, in xtractr-indexer; indexer_main.cc):
//   PartitionPlan plan = plan_partitions(capture);           // XTRACTR_WORKERS, size, budget
//   if (plan.partitions > 1) summary = build_partitioned(capture, dir, plan, &observer);
//   // a worker:  xtractr-indexer --worker P N CAPTURE MAP PARENT_PID   (frames on fd 4)
//
// From SQL nothing changes but the time it takes; the plan shows in the index's facts:
//   SELECT xtractr_index('/cases/big.pcapng') ->> '$.partitions';
//   SELECT xtractr_config('workers', 4);          -- or XTRACTR_WORKERS=4 in the environment
//
// How it works:
// - Partitions: a frame's partition is partition_key() (the unordered IP pair; see
//   dissect/partition_key.h) modulo the partition count, but for the groups a pre-pass links
//   (index/partition_map.h: signalling hosts, tunnels, QUIC IDs). There are as many partitions as
//   workers, or more when the capture is bigger than workers × the per-worker budget
//   (XTRACTR_PARTITION_BYTES of capture, default 64 MiB; then a multiple of the workers):
//   libwireshark's memory grows with the frames a process dissects, so a worker's memory stays
//   bounded however big the capture. (Bounded if the traffic spreads over address pairs: one
//   partition holds all the frames of one pair.) Spooling workers report progress.
// - Workers: each goes through every record of the capture and dissects only its partition's
//   frames — of an uncompressed pcap it reads only those, by offset, going through the
//   pre-pass's 40-byte record list instead (partition_map.h PartitionRecords); of other
//   captures it reads the whole file (~0.2-2 s of CPU a GB) — under their numbers in the
//   capture, with the previous
//   record's and frame 1's time stamps as the time references — so frame.number, every
//   FT_FRAMENUM field and frame.time_delta/_displayed/_relative are those of one pass. It
//   streams its FrameRecords (frame_stream.h). The last `workers` partitions stream through
//   pipes while the index is written; partitions beyond them run first, `workers` at a time,
//   into spool files in the index's temporary folder.
// - Merge: frames from all partitions are merged by frame number into one IndexPipeline.
//   Counters libwireshark numbers in order of first appearance (tcp.stream, udp.stream,
//   dccp.stream, bt-utp.stream, quic.connection.number) are renumbered the same way, by the
//   first frame of each partition's value.
// - Signalling and links: dissection state can cross address pairs (SIP/SDP announcing RTP
//   between other hosts, MGCP, H.323, RTSP, Skinny, GTP, SCTP multihoming, a conversation
//   carried in several tunnels, a QUIC connection by its IDs). The pre-pass (wiretap only,
//   index/partition_map.h) sends every frame of a signalling host to partition 0 and keeps
//   linked pairs together.
// - One pass instead (CannotPartition; the caller rebuilds in one pass): when a frame cannot
//   be partitioned (a link type or record partition_key() does not read), when such a
//   protocol turns up outside partition 0 (an unusual port, MPTCP, WireGuard ...), when SDP
//   or an FTP PORT/PASV announces a host seen in another partition, when one conversation's
//   frames reached two partitions (a tunnel the pre-pass does not parse), when a QUIC ID did,
//   or when ARP frames reached two partitions. Never a silently different answer.
// - Faults: a worker that crashes or is killed has already told the host (its crash handler
//   writes to the report pipe); the coordinator then dies of the same signal, or exits with
//   the worker's status, and the host reports it as for a one-pass build.
#pragma once

#include <stdexcept>
#include <string>

#include "index/capture_index.h"
#include "index/index_summary.h"

namespace xtractr {

struct PartitionPlan {
  int workers = 1;
  int partitions = 1;
  bool forced = false;  // XTRACTR_PARTITIONS: partitioned however the frames spread
};

// From XTRACTR_WORKERS (default: the usable cores), XTRACTR_PARTITION_BYTES and the capture's
// size; XTRACTR_PARTITIONS forces a partition count (tests: partitioned indexing of tiny
// captures). Captures under 16 MiB are indexed in one pass unless forced; so is a capture whose
// costliest partition would hold more than 90 % of it (build_partitioned() finds out).
PartitionPlan plan_partitions(const std::string &capture);

// The capture cannot be indexed in partitions; index it in one pass.
struct CannotPartition : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A worker process failed; `status` is its waitpid status. It has reported why itself.
struct WorkerFailed : std::runtime_error {
  int status;
  explicit WorkerFailed(int s) : std::runtime_error("an indexing worker failed"), status(s) {}
};

// Builds the index with plan.workers worker processes (this program, see run_partition_worker).
// Throws CannotPartition, WorkerFailed, CaptureOpenError, UserError, std::runtime_error.
IndexSummary build_partitioned(const std::string &capture, const std::string &directory, const PartitionPlan &plan,
                               BuildObserver *observer);

// The worker: dissects partition `partition` of `partitions` and streams it to `out_fd`.
// Returns the exit status: 0, or kWorkerCannotPartition after streaming the reason.
constexpr int kWorkerCannotPartition = 3;
constexpr int kWorkerFramesFd = 4;  // the worker's frame stream (report::kFd + 1)
// `map`: the partition map file the coordinator wrote (index/partition_map.h).
int run_partition_worker(const std::string &capture, const std::string &map, int partition, int partitions, int out_fd,
                         BuildObserver *observer);

}  // namespace xtractr
