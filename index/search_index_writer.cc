// search_index_writer.cc — see search_index_writer.h.
#include "index/search_index_writer.h"

#include <xapian.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "dissect/wireshark_runtime.h"
#include "index/build_settings.h"
#include "index/index_location.h"
#include "index/search_terms.h"

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

namespace {

enum class Policy : uint8_t { Skip, Derived, Implied, PresenceOnly, Values };

bool is_string_type(int type) {
  switch (type) {
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
      return true;
    default:
      return false;
  }
}

// Frames' terms queued for a Xapian thread, in batches of 512 (~0.7 MB each on the benchmark
// capture): enough to cover a shard's commits (kBufferedPostings) so that the writers, the merge
// and the workers go on meanwhile. 64 held ~20 MB of terms in the merging process, no faster.
constexpr size_t kQueuedBatches = 8;

// Postings a shard's Xapian database holds in memory before they are committed. Xapian's own
// default (every 10,000 documents, ~20 postings each) held ~23 MB per shard, as ~100-byte
// map nodes; committing every 50,000 postings (~2,500 frames) holds a quarter of that, and its
// smaller B-tree merges take no more CPU (less, on the benchmark captures). A count of
// postings, not of documents: frames rich in fields do not raise the bound.
constexpr size_t kBufferedPostings = 50000;

// The terms of one frame, '\0'-separated, handed to the Xapian thread.
struct PendingFrame {
  uint32_t number;
  std::string terms;
};

}  // namespace

// Terms are computed on the index writers' thread (index_pipeline.h); Xapian documents are written on a thread of
// their own (Xapian's in-memory inverter costs about a microsecond per posting, as much as
// dissecting), in batches handed over through a small bounded queue.
struct SearchIndexWriter::Impl {
  std::string path;
  std::vector<SearchField> fields;
  std::unordered_map<std::string, uint32_t> by_name;
  struct HfInfo {
    int32_t field = -1, parent = -1;
    Policy policy = Policy::Skip;
    bool string = false;     // its words are W terms
    bool keep_case = false;  // a string type: values spelled as they are (spell_text_value)
    bool is_protocol = false;
  };
  std::vector<HfInfo> by_hf;
  std::vector<std::string> words;
  std::vector<uint32_t> last_frame;  // per field id: the last frame that carried it
  std::vector<std::string> column_prefix, column_marker;
  // Implied columns (search_terms.h): per field id, the kImpliedColumns entry it is a source of
  // (-1: none); per packet column, its own entry (-1: always spelled); and per entry, what the
  // current frame's sources spell.
  std::vector<int8_t> source_of;
  int8_t implied_column[kPacketColumnFieldCount];
  struct SourceValues {
    enum : uint8_t { None, One, Several } state = None;  // distinct (field, value) pairs seen
    uint32_t field = 0;
    std::string value;
    void note(uint32_t from, const std::string &spelled) {
      if (state == None) {
        state = One;
        field = from;
        value = spelled;
      } else if (state == One && (field != from || value != spelled)) {
        state = Several;
      }
    }
  };
  SourceValues sources[kImpliedColumnCount];

  // the Xapian threads, one per shard
  const uint32_t shards;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::deque<std::vector<PendingFrame>>> queues;  // per shard
  std::vector<std::vector<PendingFrame>> batches;             // per shard, being filled
  bool done = false, abandoned = false;
  std::string failure;
  bool out_of_memory = false;
  std::string field_table;  // encode_fields(), set by finish() before `done`
  std::vector<std::thread> writers;

  explicit Impl(const std::string &directory)
      : path(directory), shards(search_shards()), queues(shards), batches(shards) {
    for (int i = 0; i < kPacketColumnFieldCount; ++i) {
      field_id(kPacketColumnFields[i]);
      column_prefix.push_back(value_prefix(uint32_t(i)));
      column_marker.push_back(explicit_term(uint32_t(i)));
      implied_column[i] = -1;
    }
    for (int c = 0; c < kImpliedColumnCount; ++c) {
      implied_column[field_id(kImpliedColumns[c].column)] = int8_t(c);
      for (const char *source : kImpliedColumns[c].sources)
        if (source) source_of[field_id(source)] = int8_t(c);
    }
    // opened here so that an unwritable place fails the build at once, before any thread runs
    make_directories(path);
    // No sync: a scratch database is compacted into its place and removed, and its commits (one
    // per kBufferedPostings) need not wait for the disk, as index.db's writes do not either.
    std::vector<std::shared_ptr<Xapian::WritableDatabase>> dbs;
    for (uint32_t k = 0; k < shards; ++k)
      dbs.push_back(std::make_shared<Xapian::WritableDatabase>(
          scratch_path(k), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_TERMLIST | Xapian::DB_NO_SYNC));
    try {
      for (uint32_t k = 0; k < shards; ++k) writers.emplace_back([this, db = dbs[k], k] { write_documents(*db, k); });
    } catch (...) {
      stop_writers();  // a joinable std::thread destroyed would end the process
      throw;
    }
  }

  ~Impl() { stop_writers(); }

  void stop_writers() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      done = abandoned = true;
      for (auto &queue : queues) queue.clear();
    }
    changed.notify_all();
    for (std::thread &writer : writers)
      if (writer.joinable()) writer.join();
  }

  // Shard k of the search index: the frames f with (f - 1) % shards == k, at docid
  // (f - 1) / shards + 1 — how Xapian numbers the documents of databases opened together, so
  // the stub database `search/XAPIANDB` listing the shards in order has docid = frame again.
  std::string shard_path(uint32_t k) const { return path + "/" + std::to_string(k); }
  std::string scratch_path(uint32_t k) const { return path + ".tmp-" + std::to_string(k); }  // compacted

  // As many shards as workers (by default the usable cores), up to 4: Xapian costs ~0.6 us a
  // posting, the largest cost of the process that merges a partitioned build; each shard is
  // written on a thread of its own.
  static uint32_t search_shards() { return uint32_t(std::clamp<int64_t>(effective_build_setting("workers"), 1, 4)); }

  // Dense terms, written as their complement (search_terms.h); chosen from the first frames.
  struct Complements {
    std::vector<std::string> terms, stored;  // "<term>" and "!<term>", sorted
    std::unordered_map<std::string_view, uint32_t> index;

    void choose(const std::vector<PendingFrame> &sample) {
      std::unordered_map<std::string_view, std::pair<uint32_t, size_t>> seen;  // count, last frame
      for (size_t i = 0; i < sample.size(); ++i)
        for_each_term(sample[i].terms, [&](std::string_view t) {
          auto &c = seen[t];
          if (c.second != i + 1) c = {c.first + 1, i + 1};
        });
      for (const auto &[term, c] : seen)
        if (2 * size_t(c.first) > sample.size()) terms.emplace_back(term);
      std::sort(terms.begin(), terms.end());
      for (uint32_t i = 0; i < terms.size(); ++i) {
        stored.push_back(complement_term(terms[i]));
        index.emplace(terms[i], i);
      }
    }

    // `carried`: the caller's scratch (shard threads fill documents at once)
    void fill(Xapian::Document &doc, const std::string &frame_terms, std::vector<char> &carried) const {
      carried.assign(terms.size(), 0);
      for_each_term(frame_terms, [&](std::string_view t) {
        auto found = index.find(t);
        if (found != index.end())
          carried[found->second] = 1;
        else
          doc.add_boolean_term(std::string(t));
      });
      for (size_t i = 0; i < terms.size(); ++i)
        if (!carried[i]) doc.add_boolean_term(stored[i]);
    }

    template <typename Visit>
    static void for_each_term(const std::string &terms, Visit visit) {
      for (size_t at = 0; at < terms.size();) {
        size_t end = terms.find('\0', at);
        visit(std::string_view(terms).substr(at, end - at));
        at = end + 1;
      }
    }
  };

  Complements complements;           // chosen from `sample` before any frame is handed over
  std::vector<PendingFrame> sample;  // the first frames, held back until then
  bool chosen = false;

  void write_documents(Xapian::WritableDatabase &db, uint32_t shard) {
    try {
      std::vector<char> carried;
      size_t buffered = 0;  // postings since the last commit
      while (true) {
        std::vector<PendingFrame> frames;
        {
          std::unique_lock<std::mutex> lock(mutex);
          changed.wait(lock, [&] { return done || !queues[shard].empty(); });
          if (abandoned || queues[shard].empty()) break;
          frames = std::move(queues[shard].front());
          queues[shard].pop_front();
        }
        changed.notify_all();
        for (const PendingFrame &f : frames) {
          Xapian::Document doc;
          complements.fill(doc, f.terms, carried);
          buffered += doc.termlist_count();
          db.replace_document((f.number - 1) / shards + 1, doc);
          if (buffered >= kBufferedPostings) {
            db.commit();
            buffered = 0;
          }
        }
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (abandoned) return;
        db.set_metadata("fields", field_table);
      }
      db.set_metadata("complemented", encode_terms(complements.terms));
      db.commit();
      // A freshly written glass database is half empty B-tree pages; compacting it into its
      // final place halves it.
      db.compact(shard_path(shard), Xapian::DBCOMPACT_NO_RENUMBER);
      db.close();
      return;
    } catch (const std::bad_alloc &) {
      fail(nullptr);  // the indexer's ceiling (memory_limit.h)
    } catch (const Xapian::Error &e) {
      fail_with([&] { return "search index: " + e.get_description(); });
    } catch (const std::exception &e) {
      fail_with([&] { return std::string("search index: ") + e.what(); });
    }
  }

  // Stops the shards and, at its next hand_over(), the producer: `why`, or nullptr when out of
  // memory — said without allocating, as anything escaping a thread would abort the process.
  void fail(const std::string *why) noexcept {
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (auto &queue : queues) queue.clear();  // frees memory first
      try {
        if (!why)
          out_of_memory = true;
        else if (failure.empty())
          failure = *why;
      } catch (...) {
        out_of_memory = true;
      }
    }
    changed.notify_all();
  }
  template <typename Describe>
  void fail_with(Describe describe) noexcept {
    try {
      const std::string why = describe();
      fail(&why);
    } catch (...) {
      fail(nullptr);
    }
  }
  bool failed() const { return out_of_memory || !failure.empty(); }  // under `mutex`
  [[noreturn]] void rethrow_failure() const {
    if (out_of_memory) throw std::bad_alloc();
    throw std::runtime_error(failure);
  }

  void route(PendingFrame &&f) {
    const uint32_t k = (f.number - 1) % shards;
    batches[k].push_back(std::move(f));
    if (batches[k].size() >= 512) hand_over(k);
  }

  void choose_complements() {
    complements.choose(sample);
    chosen = true;
    for (PendingFrame &f : sample) route(std::move(f));
    sample = {};
  }

  void hand_over(uint32_t k) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return queues[k].size() < kQueuedBatches || failed(); });
    if (failed()) rethrow_failure();
    queues[k].push_back(std::move(batches[k]));
    batches[k].clear();
    lock.unlock();
    changed.notify_all();
  }

  uint32_t field_id(const std::string &name) {
    auto found = by_name.find(name);
    if (found != by_name.end()) return found->second;
    uint32_t id = uint32_t(fields.size());
    fields.push_back(SearchField{name, 0, 0, {}});
    last_frame.push_back(0);
    source_of.push_back(-1);
    by_name.emplace(name, id);
    return id;
  }

  const HfInfo &info(int hf_id) {
    if (hf_id < 0) {
      static HfInfo none;
      return none;
    }
    if (size_t(hf_id) >= by_hf.size()) by_hf.resize(size_t(hf_id) + 1024);
    HfInfo &h = by_hf[size_t(hf_id)];
    if (h.field >= 0 || h.policy != Policy::Skip) return h;
    const FieldFacts hf = field_facts(hf_id);  // from libwireshark, or as workers announced it
    const std::string &name = hf.identity.name;
    const int type = hf.identity.type;
    if (name.empty()) return h;
    h.field = int32_t(field_id(name));
    SearchField &f = fields[size_t(h.field)];
    h.is_protocol = type == FT_PROTOCOL;
    if (find_alias(name)) {
      h.policy = Policy::Derived;
      f.flags |= kFieldDerived;
      return h;
    }
    const ValueKind kind = hf.kind;
    bool implied =
        kind == ValueKind::NumberText || type == FT_ABSOLUTE_TIME || type == FT_RELATIVE_TIME || implied_field(name);
    if (implied && !hf.parent.empty()) {
      h.policy = Policy::Implied;
      h.parent = int32_t(field_id(hf.parent));
      SearchField &g = fields[size_t(h.field)];  // field_id() may have moved `f`
      g.flags |= kFieldImplied | kFieldIncomplete;
      if (std::find(g.parents.begin(), g.parents.end(), h.parent) == g.parents.end()) g.parents.push_back(h.parent);
      return h;
    }
    h.keep_case = is_string_type(type);
    h.string = h.keep_case && name != "frame.protocols";
    if (h.string) f.flags |= kFieldString;
    bool values = kind != ValueKind::Present && type != FT_PROTOCOL && !implied && !presence_only_field(name);
    h.policy = values ? Policy::Values : Policy::PresenceOnly;
    if (!values) f.flags |= kFieldIncomplete;
    return h;
  }

  static void hex(std::string &out, std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    for (unsigned char c : bytes) {
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }

  void add(const FrameRecord &frame) {
    PendingFrame pending{frame.number, {}};
    std::string &terms = pending.terms;
    auto term = [&](const std::string &prefix, std::string_view value) {
      terms += prefix;
      terms += value;
      terms.push_back('\0');
    };
    words.clear();
    for (SourceValues &s : sources) s.state = SourceValues::None;
    std::string value, folded;
    for (const FieldValue &v : frame.fields) {
      const HfInfo &h = info(v.hf_id);
      if (h.field < 0) continue;
      SearchField &f = fields[size_t(h.field)];
      if (last_frame[size_t(h.field)] != frame.number) {
        last_frame[size_t(h.field)] = frame.number;
        ++f.frames;
      }
      const int8_t source = source_of[size_t(h.field)];
      // a source value no V term spells: the column cannot be implied
      if (source >= 0 && h.policy != Policy::Values) sources[source].state = SourceValues::Several;
      switch (h.policy) {
        case Policy::Skip:
        case Policy::Derived:
          continue;
        case Policy::Implied:
          // children follow their protocol in tree order: was it seen in this frame?
          if (last_frame[size_t(h.parent)] != frame.number) term(presence_term(uint32_t(h.field)), "");
          continue;
        case Policy::PresenceOnly:
          term(presence_term(uint32_t(h.field)), "");
          continue;
        case Policy::Values:
          break;
      }
      value.clear();
      folded.clear();
      switch (v.kind) {
        case ValueKind::Integer:
          value = std::to_string(v.integer);
          break;
        case ValueKind::Bytes:
          if (v.length * 2 <= kMaxValueTerm) hex(value, frame.text(v));
          break;
        default: {
          std::string_view text = frame.text(v);
          if (h.string) split_words(text, words);
          if (text.size() <= kMaxValueTerm) spell_text_value(text, h.keep_case, value, folded);
          break;
        }
      }
      if (value.empty()) {  // too long to spell, or empty: the frame still carries the field
        if (source >= 0) sources[source].state = SourceValues::Several;
        f.flags |= kFieldIncomplete;
        term(presence_term(uint32_t(h.field)), "");
        continue;
      }
      term(value_prefix(uint32_t(h.field)), value);
      if (source >= 0) sources[source].note(uint32_t(h.field), value);
      if (!folded.empty()) term(folded_prefix(uint32_t(h.field)), folded);
    }
    for (const std::string &w : words) term("W", w);

    auto column = [&](int index, std::string_view v) {
      const std::string spelled = lower_ascii(v);
      if (!v.empty()) {
        ++fields[size_t(index)].frames;
        if (source_of[size_t(index)] >= 0) sources[source_of[size_t(index)]].note(uint32_t(index), spelled);
      }
      if (implied_column[index] >= 0) {
        const SourceValues &s = sources[implied_column[index]];
        if (s.state == SourceValues::One && !v.empty() && s.value == spelled) return;  // implied
        if (s.state != SourceValues::None) term(column_marker[size_t(index)], "");
      }
      if (!v.empty()) term(column_prefix[size_t(index)], spelled);
    };
    column(0, frame.src);
    column(1, frame.dst);
    // without ports too: a frame with udp.srcport but no pkt.sport needs its marker
    column(2, frame.has_ports ? std::to_string(frame.sport) : std::string());
    column(3, frame.has_ports ? std::to_string(frame.dport) : std::string());
    if (frame.ip_proto >= 0) column(4, std::to_string(frame.ip_proto));
    column(5, frame.service);
    column(6, std::to_string(frame.length));
    column(7, std::to_string(frame.caplen));
    if (chosen) return route(std::move(pending));
    sample.push_back(std::move(pending));
    if (sample.size() == kComplementSample) choose_complements();
  }

  void finish() {
    if (!chosen) choose_complements();
    for (uint32_t k = 0; k < shards; ++k)
      if (!batches[k].empty()) hand_over(k);
    {
      std::lock_guard<std::mutex> lock(mutex);
      field_table = encode_fields(fields);
      done = true;
    }
    changed.notify_all();
    for (std::thread &writer : writers) writer.join();
    if (failed()) rethrow_failure();
    std::string stub;
    for (uint32_t k = 0; k < shards; ++k) {
      remove_tree(scratch_path(k));
      stub += "auto " + std::to_string(k) + "\n";
    }
    if (!write_text_file(path + "/XAPIANDB", stub))
      throw std::runtime_error("search index: cannot write " + path + "/XAPIANDB");
  }
};

SearchIndexWriter::SearchIndexWriter(const std::string &directory) : impl_(std::make_unique<Impl>(directory)) {}
SearchIndexWriter::~SearchIndexWriter() = default;

void SearchIndexWriter::add(const FrameRecord &frame) { impl_->add(frame); }

void SearchIndexWriter::finish() { impl_->finish(); }

}  // namespace xtractr
