// field_names.cc — see field_names.h.
#include "dissect/field_names.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "dissect/wireshark_runtime.h"

extern "C" {
#include <epan/proto.h>
}

namespace xtractr {

namespace {

// The edits allowed for a name of this length: short names tolerate fewer.
size_t allowed_edits(size_t length) { return length < 5 ? 1 : length < 12 ? 2 : 3; }

// Optimal string alignment distance (edits plus swaps of neighbours), or limit+1 once it is
// sure to exceed `limit`.
size_t edit_distance(const std::string &a, const std::string &b, size_t limit) {
  size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<size_t> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    current[0] = i;
    size_t row_min = current[0];
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        current[j] = std::min(current[j], before[j - 2] + 1);
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

bool ends_with_component(const std::string &candidate, const std::string &name) {
  return candidate.size() > name.size() + 1 && candidate[candidate.size() - name.size() - 1] == '.' &&
         candidate.compare(candidate.size() - name.size(), name.size(), name) == 0;
}

// Every protocol and field name libwireshark registered, once (the registry is complete
// after initialisation, as `tshark -G fields` lists it).
const std::vector<std::string> &registered_names() {
  static std::once_flag once;
  static auto *names = new std::vector<std::string>();  // never destroyed: see xtractr.cc
  std::call_once(once, [] {
    std::lock_guard<std::recursive_mutex> wireshark(dissection_mutex());
    ensure_wireshark();
    void *protocols = nullptr;
    for (int proto = proto_get_first_protocol(&protocols); proto != -1; proto = proto_get_next_protocol(&protocols)) {
      if (const char *filter = proto_get_protocol_filter_name(proto)) names->emplace_back(filter);
      void *fields = nullptr;
      for (header_field_info *hf = proto_get_first_protocol_field(proto, &fields); hf;
           hf = proto_get_next_protocol_field(proto, &fields))
        if (hf->same_name_prev_id == -1 && hf->abbrev && *hf->abbrev) names->emplace_back(hf->abbrev);
    }
  });
  return *names;
}

}  // namespace

bool is_wireshark_field(const std::string &name) {
  static std::mutex mutex;
  static auto *known = new std::unordered_map<std::string, bool>();  // never destroyed: see xtractr.cc
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = known->find(name);
    if (found != known->end()) return found->second;
  }
  bool registered;
  {
    std::lock_guard<std::recursive_mutex> wireshark(dissection_mutex());
    ensure_wireshark();
    registered = proto_registrar_get_byname(name.c_str()) != nullptr;
  }
  std::lock_guard<std::mutex> lock(mutex);
  if (known->size() < 100000) (*known)[name] = registered;  // bounded: names come from queries
  return registered;
}

std::vector<std::string> similar_field_names(const std::string &name, const std::vector<std::string> &extra,
                                             size_t max) {
  std::vector<const std::string *> candidates;
  for (const std::string &e : extra) candidates.push_back(&e);
  for (const std::string &r : registered_names()) candidates.push_back(&r);
  size_t limit = allowed_edits(name.size());
  std::vector<std::pair<size_t, std::string>> near;  // (rank, name): edits first, then suffix matches
  for (const std::string *candidate : candidates) {
    const std::string &c = *candidate;
    if (c == name) continue;
    size_t d = edit_distance(name, c, limit);
    if (d <= limit)
      near.emplace_back(d, c);
    else if (ends_with_component(c, name))
      near.emplace_back(limit + 1 + (c.size() - name.size()), c);
  }
  std::sort(near.begin(), near.end());
  std::vector<std::string> out;
  for (const auto &[rank, c] : near) {
    if (std::find(out.begin(), out.end(), c) != out.end()) continue;
    out.push_back(c);
    if (out.size() == max) break;
  }
  return out;
}

std::string unknown_field_message(const std::string &name, const std::vector<std::string> &extra,
                                  const std::string &why) {
  std::vector<std::string> near = similar_field_names(name, extra);
  std::string out = "unknown field '" + name + "' (";
  if (near.empty()) return out + why + ")";
  out += "did you mean ";
  for (size_t i = 0; i < near.size(); ++i) {
    if (i) out += i + 1 == near.size() ? " or " : ", ";
    out += "'" + near[i] + "'";
  }
  return out + "?)";
}

}  // namespace xtractr
