// flow_frames.cc — see flow_frames.h.
#include "index/flow_frames.h"

#include <stdexcept>
#include <string>
#include <unordered_map>

#include "index/varint.h"

namespace xtractr {

void write_flow_frames(Database &db) {
  db.exec("CREATE TABLE flow_frames(flow INTEGER PRIMARY KEY, frames BLOB NOT NULL)");
  struct List {
    int64_t last = 0;
    std::string gaps;
  };
  std::unordered_map<int64_t, List> lists;
  Statement scan(db.get(), "SELECT id, flow FROM packets WHERE flow IS NOT NULL ORDER BY id");
  while (scan.step()) {
    List &list = lists[scan.integer(1)];
    const int64_t id = scan.integer(0);
    put_varint(list.gaps, uint64_t(id - list.last));
    list.last = id;
  }
  Statement insert(db.get(), "INSERT INTO flow_frames VALUES(?1, ?2)");
  for (const auto &[flow, list] : lists) {
    insert.bind(1, flow);
    insert.bind_blob(2, list.gaps);
    insert.run();
  }
}

FlowFrames::FlowFrames(sqlite3 *db) : select_(db, "SELECT frames FROM flow_frames WHERE flow = ?1") {}

std::vector<int64_t> FlowFrames::of(int64_t flow) {
  std::vector<int64_t> ids;
  select_.bind(1, flow);
  if (select_.step()) {
    const std::string_view gaps = select_.blob(0);
    const char *p = gaps.data(), *end = p + gaps.size();
    int64_t id = 0;
    for (uint64_t gap; p < end;) {
      if (!get_varint(p, end, gap)) {
        select_.reset();
        throw std::runtime_error("damaged index (frame list of flow " + std::to_string(flow) + ")");
      }
      ids.push_back(id += int64_t(gap));
    }
  }
  select_.reset();
  return ids;
}

}  // namespace xtractr
