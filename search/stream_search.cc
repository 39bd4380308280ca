// stream_search.cc — see stream_search.h.
#include "search/stream_search.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string_view>

#include "core/interruption.h"
#include "core/sqlite_handles.h"
#include "dissect/extract/stream_follower.h"
#include "dissect/wireshark_runtime.h"
#include "index/flow_frames.h"
#include "index/payload_grams.h"
#include "search/search_index.h"

namespace xtractr {

namespace {

constexpr size_t kFramesPerReplay = 20000;  // TCP frames re-dissected per child process

// Whether one direction of the followed stream holds the needle: the chunks of each direction
// joined in stream order, a gap ending the run (the bytes on both sides are not adjacent).
bool holds(const FollowResult &followed, std::string_view needle) {
  std::string run[2];
  auto found_in = [&](int side) { return run[side].find(needle) != std::string::npos; };
  for (const StreamChunk &c : followed.chunks) {
    const int side = c.from_server ? 1 : 0;
    if (c.gap) {
      if (found_in(side)) return true;
      run[side].clear();
      continue;
    }
    run[side] += c.data;
  }
  return found_in(0) || found_in(1);
}

struct CandidateFlow {
  uint32_t id;
  int proto;
  std::vector<FrameRef> frames;
};

// The TCP and UDP flows owning `frames` (all of them when nullopt), with their frames.
std::vector<CandidateFlow> candidate_flows(sqlite3 *db, const std::optional<std::vector<uint32_t>> &frames) {
  std::map<uint32_t, int> proto;
  {
    Statement s(db, "SELECT id, proto FROM flows WHERE proto IN (6, 17)");
    while (s.step()) proto[uint32_t(s.integer(0))] = int(s.integer(1));
  }
  std::vector<uint32_t> flows;
  if (frames) {
    Statement s(db, "SELECT flow FROM packets WHERE id = ?1");
    for (uint32_t f : *frames) {
      s.bind(1, int64_t(f));
      if (s.step() && !s.is_null(0) && proto.count(uint32_t(s.integer(0)))) flows.push_back(uint32_t(s.integer(0)));
      s.reset();
    }
    std::sort(flows.begin(), flows.end());
    flows.erase(std::unique(flows.begin(), flows.end()), flows.end());
  } else {
    for (const auto &entry : proto) flows.push_back(entry.first);
  }
  std::vector<CandidateFlow> out;
  FlowFrames lists(db);
  Statement s(db, "SELECT offset FROM packets WHERE id = ?1");
  for (uint32_t flow : flows) {
    CandidateFlow c{flow, proto[flow], {}};
    for (int64_t id : lists.of(flow)) {
      s.bind(1, id);
      if (s.step()) c.frames.push_back(FrameRef{uint32_t(id), s.integer(0)});
      s.reset();
    }
    if (!c.frames.empty()) out.push_back(std::move(c));
  }
  return out;
}

// Follows each candidate flow (TCP conversations a few at a time in one replay: one child
// process each batch, which cannot be interrupted, so the batches keep each short) and hands
// it to `visit(flow, followed)`.
template <typename Visit>
void follow_flows(const CaptureIndex &index, const std::vector<CandidateFlow> &flows, Visit visit) {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  std::vector<FrameRef> batch;
  std::map<uint32_t, uint32_t> flow_by_first;  // TCP conversations are found by their first frame
  auto follow_batch = [&] {
    std::sort(batch.begin(), batch.end(), [](const FrameRef &a, const FrameRef &b) { return a.number < b.number; });
    for (const auto &[first, followed] : follow_tcp_streams(index.capture(), batch)) {
      auto flow = flow_by_first.find(first);
      if (flow != flow_by_first.end()) visit(flow->second, followed);
    }
    batch.clear();
    flow_by_first.clear();
    check_interrupted("stream search on '" + index.capture() + "' was interrupted");
  };
  for (const CandidateFlow &c : flows) {
    if (c.proto != 6) continue;
    batch.insert(batch.end(), c.frames.begin(), c.frames.end());
    flow_by_first[c.frames.front().number] = c.id;
    if (batch.size() >= kFramesPerReplay) follow_batch();
  }
  if (!batch.empty()) follow_batch();
  for (const CandidateFlow &c : flows) {
    if (c.proto != 17) continue;
    check_interrupted("stream search on '" + index.capture() + "' was interrupted");
    visit(c.id, follow_stream(index.capture(), c.frames, StreamKind::Udp));
  }
}

bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string folded(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = char(c | 0x20);
  return out;
}

// One direction's bytes between two gaps, folded, and where each frame's bytes start in it.
struct Run {
  std::string bytes;
  std::vector<std::pair<size_t, uint32_t>> starts;  // (offset, frame), in stream order

  // The frames that carry a byte of an occurrence of `word` (folded) at word boundaries.
  void find_word(const std::string &word, IdSet &out) const {
    const bool open_front = is_word_byte(uint8_t(word.front())), open_back = is_word_byte(uint8_t(word.back()));
    for (size_t at = bytes.find(word); at != std::string::npos; at = bytes.find(word, at + 1)) {
      const size_t end = at + word.size();
      if (open_front && at > 0 && is_word_byte(uint8_t(bytes[at - 1]))) continue;
      if (open_back && end < bytes.size() && is_word_byte(uint8_t(bytes[end]))) continue;
      auto chunk = std::upper_bound(starts.begin(), starts.end(), std::make_pair(at, UINT32_MAX));
      for (--chunk; chunk != starts.end() && chunk->first < end; ++chunk) out.push_back(chunk->second);
    }
  }
};

}  // namespace

IdSet flows_with_stream_bytes(SearchIndex &search, const std::string &needle) {
  IdSet out;
  if (needle.empty()) return out;
  const CaptureIndex &index = *search.member().index;
  const std::vector<CandidateFlow> flows = candidate_flows(index.db(), payload_candidates(index.db(), needle, true));
  follow_flows(index, flows, [&](uint32_t flow, const FollowResult &followed) {
    if (holds(followed, needle)) out.push_back(flow);
  });
  normalise(out);
  return out;
}

std::optional<IdSet> frames_with_stream_words(SearchIndex &search, const std::string &text) {
  const CaptureIndex &index = *search.member().index;
  std::optional<std::vector<uint32_t>> candidates = payload_candidates(index.db(), text, true);
  if (!candidates) return std::nullopt;
  IdSet out;
  const std::string word = folded(text);
  follow_flows(index, candidate_flows(index.db(), candidates), [&](uint32_t, const FollowResult &followed) {
    Run run[2];
    auto search_run = [&](int side) {
      run[side].find_word(word, out);
      run[side] = Run();
    };
    for (const StreamChunk &c : followed.chunks) {
      const int side = c.from_server ? 1 : 0;
      if (c.gap) {
        search_run(side);
        continue;
      }
      if (c.data.empty()) continue;
      run[side].starts.emplace_back(run[side].bytes.size(), c.packet);
      run[side].bytes += folded(c.data);
    }
    search_run(0);
    search_run(1);
  });
  normalise(out);
  return out;
}

}  // namespace xtractr
