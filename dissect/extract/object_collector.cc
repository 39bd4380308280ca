// object_collector.cc — see object_collector.h.
#include "dissect/extract/object_collector.h"

#include <gcrypt.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "dissect/extract/replay_session.h"

extern "C" {
#include <epan/export_object.h>
}

namespace xtractr {

namespace {

// One protocol's listener state: export_object_list_t is what the eo taps call back into.
// Entries stay owned here until the pass ends: the SMB tap adds a file once and fills its
// payload in later, fetching it back by row (get_entry), as Wireshark's own lists allow.
struct ObjectSink {
  export_object_list_t list{};
  std::string protocol;
  std::vector<std::pair<export_object_entry_t *, size_t>> entries;  // entry, order of arrival
  size_t *arrivals = nullptr;
  ~ObjectSink() { for (auto &e : entries) eo_free_entry(e.first); }
};

std::string text_of(const char *s) { return s ? std::string(s) : std::string(); }

void add_entry(void *gui_data, export_object_entry_t *entry) {
  auto *sink = static_cast<ObjectSink *>(gui_data);
  try {
    sink->entries.emplace_back(entry, (*sink->arrivals)++);
  } catch (...) {
    eo_free_entry(entry);  // out of memory: drop it rather than unwind through libwireshark
  }
}

export_object_entry_t *get_entry(void *gui_data, int row) {
  auto *sink = static_cast<ObjectSink *>(gui_data);
  return row >= 0 && size_t(row) < sink->entries.size() ? sink->entries[size_t(row)].first : nullptr;
}

}  // namespace

std::vector<std::string> available_object_protocols(const std::vector<std::string> &wanted) {
  std::vector<std::string> out;
  for (const std::string &name : wanted)
    if (get_eo_by_name(name.c_str())) out.push_back(name);
  return out;
}

std::vector<ExtractedObject> collect_objects(RandomReader &reader, const std::vector<FrameRef> &frames,
                                             const std::vector<std::string> &protocols) {
  std::vector<ExtractedObject> objects;
  if (frames.empty()) return objects;
  ReplaySession session(reader, ReplaySession::Options{});
  std::vector<std::unique_ptr<ObjectSink>> sinks;
  std::vector<std::unique_ptr<TapListener>> listeners;
  size_t arrivals = 0;
  for (const std::string &name : protocols) {
    register_eo_t *eo = get_eo_by_name(name.c_str());
    if (!eo) continue;
    auto sink = std::make_unique<ObjectSink>();
    sink->list.add_entry = add_entry;
    sink->list.get_entry = get_entry;
    sink->list.gui_data = sink.get();
    sink->protocol = name;
    sink->arrivals = &arrivals;
    listeners.push_back(std::make_unique<TapListener>(get_eo_tap_listener_name(eo), &sink->list, nullptr, 0,
                                                      nullptr, get_eo_packet_func(eo)));
    sinks.push_back(std::move(sink));
  }
  for (const FrameRef &f : frames) session.dissect(f.number, f.offset);
  listeners.clear();
  std::vector<std::pair<size_t, ExtractedObject>> arrived;
  for (const auto &sink : sinks) {
    for (const auto &[entry, order] : sink->entries) {
      ExtractedObject o;
      o.protocol = sink->protocol;
      o.packet = entry->pkt_num;
      o.hostname = text_of(entry->hostname);
      o.content_type = text_of(entry->content_type);
      o.filename = text_of(entry->filename);
      if (entry->payload_data && entry->payload_len)
        o.data.assign(reinterpret_cast<const char *>(entry->payload_data), entry->payload_len);
      arrived.emplace_back(order, std::move(o));
    }
  }
  sinks.clear();
  // Protocols with intermediate state (SMB's file table) clean it up in their reset callback.
  for (const std::string &name : protocols)
    if (register_eo_t *eo = get_eo_by_name(name.c_str()))
      if (export_object_gui_reset_cb reset = get_eo_reset_func(eo)) reset();
  std::sort(arrived.begin(), arrived.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
  for (auto &a : arrived) objects.push_back(std::move(a.second));
  return objects;
}

std::string safe_object_name(const ExtractedObject &object) {
  std::string name = object.filename;
  if (name.empty()) {
    name = "object" + std::to_string(object.packet);
    if (const char *ext = eo_ct2ext(object.content_type.empty() ? nullptr : object.content_type.c_str()))
      name += std::string(".") + ext;
  }
  GString *safe = eo_massage_str(name.c_str(), EXPORT_OBJECT_MAXFILELEN, 0);
  std::string out(safe->str, safe->len);
  g_string_free(safe, TRUE);
  return out;
}

std::string sha256_hex(const std::string &data) {
  unsigned char digest[32];
  gcry_md_hash_buffer(GCRY_MD_SHA256, digest, data.data(), data.size());
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

}  // namespace xtractr
