// slice_writer.cc — see slice_writer.h.
#include "extract/slice_writer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/sql_error.h"
#include "dissect/extract/capture_writer.h"
#include "dissect/wireshark_runtime.h"
#include "extract/extract_source.h"

namespace xtractr {

namespace {

// The ids chosen from one capture argument, in row order.
struct ChosenIds {
  std::string capture;
  std::vector<int64_t> ids;
};

struct SliceState {
  std::string path;
  bool overwrite = false;
  std::vector<ChosenIds> captures;  // in order of first appearance
  int64_t rows = 0;
  bool failed = false;  // a row was refused: final() writes nothing
};

SliceState *&state_slot(sqlite3_context *ctx, bool create) {
  static SliceState *none = nullptr;
  auto **slot = static_cast<SliceState **>(sqlite3_aggregate_context(ctx, create ? int(sizeof(SliceState *)) : 0));
  return slot ? *slot : none;
}

std::string quoted(const std::string &s) { return "'" + s + "'"; }

bool overwrite_option(int argc, sqlite3_value **argv, const std::string &function) {
  if (argc <= 3) return false;
  auto option = text_argument(argv[3]);
  if (option && *option == "overwrite") return true;
  if (option) throw UserError(function + "(): unknown option '" + *option + "' (only 'overwrite')");
  return false;
}

// The id of one row: an integer (or text that is one); anything else is refused, naming it.
int64_t row_id(sqlite3_value *value, const std::string &function, const char *what, int64_t row) {
  if (sqlite3_value_type(value) == SQLITE_NULL)
    throw UserError(function + "(): row " + std::to_string(row) + " has a NULL " + what + " id");
  if (sqlite3_value_numeric_type(value) == SQLITE_FLOAT) {  // 3.0 is id 3; 3.5 is no id
    double d = sqlite3_value_double(value);
    if (d == double(int64_t(d))) return int64_t(d);
  }
  if (sqlite3_value_numeric_type(value) != SQLITE_INTEGER)
    throw UserError(function + "(): row " + std::to_string(row) + ": " + quoted(text_argument(value).value_or("")) +
                    " is not a " + what + " id");
  return sqlite3_value_int64(value);
}

// Checks one row and adds its id. Every argument is taken from its own row: the capture may
// differ between rows (each id is an id of its row's capture); the path and the option name
// the one file this call writes, so a change between rows is an error (GROUP BY writes several).
void add_row(SliceState &state, int argc, sqlite3_value **argv, const std::string &function, const char *what) {
  ++state.rows;
  auto path = text_argument(argv[0]);
  auto capture = text_argument(argv[1]);
  if (!path || path->empty()) throw UserError(function + "(): the output path is NULL or empty");
  if (!capture || capture->empty())
    throw UserError(function + "(): row " + std::to_string(state.rows) + " has a NULL or empty capture");
  bool overwrite = overwrite_option(argc, argv, function);
  if (state.rows == 1) {
    state.path = *path;
    state.overwrite = overwrite;
  } else if (*path != state.path) {
    throw UserError(function + "(): the output path changed between rows (" + quoted(state.path) + ", then " +
                    quoted(*path) + "): one call writes one file; GROUP BY the path to write several");
  } else if (overwrite != state.overwrite) {
    throw UserError(function + "(): the 'overwrite' option changed between rows: give it on every row or none");
  }
  int64_t id = row_id(argv[2], function, what, state.rows);
  if (state.captures.empty() || state.captures.back().capture != *capture) {
    auto same = std::find_if(state.captures.begin(), state.captures.end(),
                             [&](const ChosenIds &c) { return c.capture == *capture; });
    if (same == state.captures.end()) {
      state.captures.push_back(ChosenIds{*capture, {}});
    } else {
      std::rotate(same, same + 1, state.captures.end());  // the current capture is kept last
    }
  }
  state.captures.back().ids.push_back(id);
}

// One frame to write: its file (the absolute capture path, which orders and de-duplicates
// frames named through different arguments), its frame number and where to read it.
struct ChosenFrame {
  std::string file;
  IndexedPacket packet;
  ExtractSource *source;
  size_t member;
};

// The frames of every chosen id; an id its capture does not have is an error naming both.
std::vector<ChosenFrame> chosen_frames(SliceState &state, SliceIds kind, const std::string &function,
                                       std::vector<std::unique_ptr<ExtractSource>> &sources) {
  std::vector<ChosenFrame> frames;
  for (ChosenIds &chosen : state.captures) {
    sources.push_back(std::make_unique<ExtractSource>(chosen.capture));
    ExtractSource &source = *sources.back();
    std::sort(chosen.ids.begin(), chosen.ids.end());
    chosen.ids.erase(std::unique(chosen.ids.begin(), chosen.ids.end()), chosen.ids.end());
    for (int64_t id : chosen.ids) {
      if (kind == SliceIds::Packets) {
        auto where = source.locate_packet(id);
        auto packet = where ? source.packet(where->member, where->local) : std::nullopt;
        if (!packet)
          throw UserError(function + "(): no packet " + std::to_string(id) + " in " + quoted(chosen.capture));
        frames.push_back(ChosenFrame{source.member(where->member).index->capture(), *packet, &source, where->member});
      } else {
        auto where = source.locate_flow(id);
        if (!where) throw UserError(function + "(): no flow " + std::to_string(id) + " in " + quoted(chosen.capture));
        for (const IndexedPacket &p : source.flow_packets(where->member, {where->local}))
          frames.push_back(ChosenFrame{source.member(where->member).index->capture(), p, &source, where->member});
      }
    }
  }
  std::stable_sort(frames.begin(), frames.end(), [](const ChosenFrame &a, const ChosenFrame &b) {
    return a.file != b.file ? a.file < b.file : a.packet.number < b.packet.number;
  });
  frames.erase(std::unique(frames.begin(), frames.end(),
                           [](const ChosenFrame &a, const ChosenFrame &b) {
                             return a.file == b.file && a.packet.number == b.packet.number;
                           }),
               frames.end());
  return frames;
}

}  // namespace

void slice_step(sqlite3_context *ctx, int argc, sqlite3_value **argv, SliceIds kind, const char *function) {
  guard_function(ctx, [&] {
    SliceState *&state = state_slot(ctx, true);
    if (!state) state = new SliceState;
    if (state->failed) return;
    try {
      add_row(*state, argc, argv, function, kind == SliceIds::Flows ? "flow" : "packet");
    } catch (...) {
      state->failed = true;  // SQLite still calls final() on the way out: it must write nothing
      throw;
    }
  });
}

void slice_final(sqlite3_context *ctx, SliceIds kind, const char *function) {
  std::unique_ptr<SliceState> state(state_slot(ctx, false));
  guard_function(ctx, [&] {
    if (!state || state->rows == 0) {
      sqlite3_result_int64(ctx, 0);  // no rows: nothing chosen, nothing written
      return;
    }
    if (state->failed) return;  // the step's error is the statement's
    std::vector<std::unique_ptr<ExtractSource>> sources;
    std::vector<ChosenFrame> frames = chosen_frames(*state, kind, function, sources);
    ensure_wireshark();
    std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
    // one reader per file, whichever argument named it, so its interfaces are written once
    std::map<std::string, RandomReader *> readers;
    int64_t written = 0;
    try {
      CaptureWriter writer(state->path, state->overwrite);
      if (frames.empty()) writer.open(sources.front()->reader(0));  // still a valid, empty capture
      for (const ChosenFrame &f : frames) {
        RandomReader *&reader = readers[f.file];
        if (!reader) reader = &f.source->reader(f.member);
        writer.add(*reader, f.packet.offset);
      }
      written = writer.finish();
    } catch (const UserError &) {
      throw;
    } catch (const std::runtime_error &e) {
      throw UserError(std::string(function) + "(): " + e.what());
    }
    sqlite3_result_int64(ctx, written);
  });
}

}  // namespace xtractr
