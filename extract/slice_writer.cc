// slice_writer.cc — see slice_writer.h.
#include "extract/slice_writer.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "core/sql_error.h"
#include "dissect/extract/capture_writer.h"
#include "dissect/wireshark_runtime.h"
#include "extract/extract_source.h"

namespace xtractr {

namespace {

struct SliceState {
  std::string path, capture;
  bool overwrite = false;
  std::vector<int64_t> ids;
};

SliceState *&state_slot(sqlite3_context *ctx, bool create) {
  static SliceState *none = nullptr;
  auto **slot = static_cast<SliceState **>(sqlite3_aggregate_context(ctx, create ? int(sizeof(SliceState *)) : 0));
  return slot ? *slot : none;
}

}  // namespace

void slice_step(sqlite3_context *ctx, int argc, sqlite3_value **argv, const char *function) {
  guard_function(ctx, [&] {
    SliceState *&state = state_slot(ctx, true);
    if (!state) {
      auto path = text_argument(argv[0]);
      auto capture = text_argument(argv[1]);
      if (!path || path->empty()) throw UserError(std::string(function) + "(): the output path is NULL or empty");
      if (!capture) throw UserError(std::string(function) + "(): the capture is NULL");
      bool overwrite = false;
      if (argc > 3) {
        auto option = text_argument(argv[3]);
        if (option && *option == "overwrite")
          overwrite = true;
        else if (option)
          throw UserError(std::string(function) + "(): unknown option '" + *option + "' (only 'overwrite')");
      }
      state = new SliceState{*path, *capture, overwrite, {}};
    }
    if (sqlite3_value_numeric_type(argv[2]) == SQLITE_INTEGER) state->ids.push_back(sqlite3_value_int64(argv[2]));
  });
}

void slice_final(sqlite3_context *ctx, SliceIds kind, const char *function) {
  SliceState *state = state_slot(ctx, false);
  guard_function(ctx, [&] {
    if (!state) {
      sqlite3_result_int64(ctx, 0);  // no rows: nothing chosen, nothing written
      return;
    }
    ExtractSource source(state->capture);
    std::vector<std::pair<size_t, IndexedPacket>> frames;  // (member, frame)
    std::sort(state->ids.begin(), state->ids.end());
    state->ids.erase(std::unique(state->ids.begin(), state->ids.end()), state->ids.end());
    for (int64_t id : state->ids) {
      if (kind == SliceIds::Packets) {
        if (auto where = source.locate_packet(id))
          if (auto p = source.packet(where->member, where->local)) frames.emplace_back(where->member, *p);
      } else if (auto where = source.locate_flow(id)) {
        for (const IndexedPacket &p : source.flow_packets(where->member, {where->local}))
          frames.emplace_back(where->member, p);
      }
    }
    std::sort(frames.begin(), frames.end(), [](const auto &a, const auto &b) {
      return a.first != b.first ? a.first < b.first : a.second.number < b.second.number;
    });
    frames.erase(std::unique(frames.begin(), frames.end(),
                             [](const auto &a, const auto &b) {
                               return a.first == b.first && a.second.number == b.second.number;
                             }),
                 frames.end());
    ensure_wireshark();
    std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
    int64_t written = 0;
    try {
      CaptureWriter writer(state->path, state->overwrite);
      if (frames.empty()) writer.open(source.reader(0));
      for (const auto &[member, packet] : frames) writer.add(source.reader(member), packet.offset);
      written = writer.finish();
    } catch (const UserError &) {
      throw;
    } catch (const std::runtime_error &e) {
      throw UserError(std::string(function) + "(): " + e.what());
    }
    sqlite3_result_int64(ctx, written);
  });
  delete state;
}

}  // namespace xtractr
