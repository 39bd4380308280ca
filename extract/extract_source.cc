// extract_source.cc — see extract_source.h.
#include "extract/extract_source.h"

#include <algorithm>
#include <unordered_set>

#include "core/sql_error.h"
#include "core/sqlite_handles.h"
#include "index/flow_frames.h"

namespace xtractr {

ExtractSource::ExtractSource(const std::string &argument)
    : argument_(argument), collection_(open_collection(argument)) {}

std::optional<LocalId> ExtractSource::locate_packet(int64_t id) const {
  for (size_t m = 0; m < collection_.members.size(); ++m) {
    const CollectionMember &c = collection_.members[m];
    int64_t local = id - c.id_base;
    if (local >= 1 && local <= c.index->summary().frames) return LocalId{m, local};
  }
  return std::nullopt;
}

std::optional<LocalId> ExtractSource::locate_flow(int64_t flow) const {
  for (size_t m = 0; m < collection_.members.size(); ++m) {
    const CollectionMember &c = collection_.members[m];
    int64_t local = flow - c.flow_base;
    if (local >= 1 && local <= c.index->summary().flows) return LocalId{m, local};
  }
  return std::nullopt;
}

namespace {

IndexedPacket packet_row(const Statement &s) {
  return IndexedPacket{uint32_t(s.integer(0)), s.integer(1), s.integer(2), int(s.integer(3)), s.real(4)};
}

}  // namespace

std::optional<IndexedPacket> ExtractSource::packet(size_t m, int64_t local) const {
  Statement s(member(m).index->db(), "SELECT id, offset, flow, dir, time FROM packets WHERE id = ?1");
  s.bind(1, local);
  if (!s.step()) return std::nullopt;
  return packet_row(s);
}

std::vector<IndexedPacket> ExtractSource::flow_packets(size_t m, const std::vector<int64_t> &flows,
                                                       int64_t last) const {
  std::vector<IndexedPacket> out;
  sqlite3 *db = member(m).index->db();
  // a flow's own frames (flow_frames.h) and those it carries as a tunnel (packets_by_tunnel)
  FlowFrames frames(db);
  Statement row(db, "SELECT id, offset, flow, dir, time FROM packets WHERE id = ?1");
  Statement carried(db, "SELECT id, offset, flow, dir, time FROM packets WHERE tunnel = ?1 AND id <= ?2");
  const int64_t limit = last < 0 ? INT64_MAX : last;
  for (int64_t flow : flows) {
    for (int64_t id : frames.of(flow)) {
      if (id > limit) break;
      row.bind(1, id);
      if (row.step()) out.push_back(packet_row(row));
      row.reset();
    }
    carried.bind(1, flow);
    carried.bind(2, limit);
    while (carried.step()) out.push_back(packet_row(carried));
    carried.reset();
  }
  std::sort(out.begin(), out.end(), [](const IndexedPacket &a, const IndexedPacket &b) { return a.number < b.number; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const IndexedPacket &a, const IndexedPacket &b) { return a.number == b.number; }),
            out.end());
  return out;
}

std::vector<IndexedPacket> ExtractSource::packets_up_to(size_t m, int64_t last) const {
  std::vector<IndexedPacket> out;
  Statement s(member(m).index->db(), "SELECT id, offset, flow, dir, time FROM packets WHERE id <= ?1 ORDER BY id");
  s.bind(1, last);
  while (s.step()) out.push_back(packet_row(s));
  return out;
}

std::vector<IndexedPacket> ExtractSource::stream_packets(sqlite3 *db, size_t m, int64_t flow, int64_t last) const {
  std::vector<IndexedPacket> packets = flow_packets(m, {flow}, last);
  std::string query;
  {
    Statement s(member(m).index->db(), "SELECT tcp_stream, udp_stream FROM flows WHERE id = ?1");
    s.bind(1, flow);
    if (!s.step()) return packets;
    if (!s.is_null(0))
      query = "tcp.stream:" + std::to_string(s.integer(0));
    else if (!s.is_null(1))
      query = "udp.stream:" + std::to_string(s.integer(1));
  }
  if (query.empty()) return packets;
  std::unordered_set<uint32_t> have;
  for (const IndexedPacket &p : packets) have.insert(p.number);
  for (const IndexedPacket &p : search_packets(db, m, query, last))
    if (!have.count(p.number)) packets.push_back(p);
  std::sort(packets.begin(), packets.end(),
            [](const IndexedPacket &a, const IndexedPacket &b) { return a.number < b.number; });
  return packets;
}

std::vector<IndexedPacket> ExtractSource::search_packets(sqlite3 *db, size_t m, const std::string &query,
                                                         int64_t last) const {
  std::vector<IndexedPacket> out;
  if (!db) return out;
  const CollectionMember &c = member(m);
  std::vector<int64_t> found;
  // Errors (SQLITE_INTERRUPT included) propagate: an empty answer would silently drop frames.
  Statement s(db, "SELECT id FROM packets(?1, ?2)", "searching '" + argument_ + "' for " + query);
  s.bind(1, argument_);
  s.bind(2, query);
  while (s.step()) {
    int64_t local = s.integer(0) - c.id_base;
    if (local < 1 || local > c.index->summary().frames) continue;
    if (last >= 0 && local > last) continue;
    found.push_back(local);
  }
  for (int64_t local : found)
    if (auto p = packet(m, local)) out.push_back(*p);
  return out;
}

std::vector<FrameRef> ExtractSource::flow_frames(size_t m, const std::vector<int64_t> &flows, int64_t last) const {
  std::vector<FrameRef> out;
  for (const IndexedPacket &p : flow_packets(m, flows, last)) out.push_back(FrameRef{p.number, p.offset});
  return out;
}

std::vector<int64_t> ExtractSource::flows_with_services(size_t m, const std::vector<std::string> &services) const {
  // NOT INDEXED: one pass over the table (no index helps with service; an index over flow,
  // when indexes had one, made SQLite walk it and look every row up — three times slower).
  std::string sql = "SELECT DISTINCT flow FROM packets NOT INDEXED WHERE service IN (";
  for (size_t i = 0; i < services.size(); ++i) sql += i ? ",?" : "?";
  sql += ") ORDER BY flow";
  Statement s(member(m).index->db(), sql);
  for (size_t i = 0; i < services.size(); ++i) s.bind(int(i + 1), std::string_view(services[i]));
  std::vector<int64_t> out;
  while (s.step()) out.push_back(s.integer(0));
  return out;
}

std::vector<int64_t> ExtractSource::flows_with_ports(size_t m, const std::vector<int> &ports) const {
  std::string list;
  for (int p : ports) list += (list.empty() ? "" : ",") + std::to_string(p);
  Statement s(member(m).index->db(),
              "SELECT id FROM flows WHERE sport IN (" + list + ") OR dport IN (" + list + ") ORDER BY id");
  std::vector<int64_t> out;
  while (s.step()) out.push_back(s.integer(0));
  return out;
}

int ExtractSource::flow_proto(size_t m, int64_t local_flow) const {
  Statement s(member(m).index->db(), "SELECT proto FROM flows WHERE id = ?1");
  s.bind(1, local_flow);
  if (!s.step() || s.is_null(0)) return -1;
  return int(s.integer(0));
}

RandomReader &ExtractSource::reader(size_t m) {
  auto &slot = readers_[m];
  if (!slot) {
    try {
      slot = std::make_unique<RandomReader>(member(m).index->capture());
    } catch (const std::runtime_error &e) {
      throw UserError(e.what());
    }
  }
  return *slot;
}

std::optional<std::string> text_argument(sqlite3_value *value) {
  if (!value || sqlite3_value_type(value) == SQLITE_NULL) return std::nullopt;
  const unsigned char *text = sqlite3_value_text(value);
  return std::string(reinterpret_cast<const char *>(text), size_t(sqlite3_value_bytes(value)));
}

}  // namespace xtractr
