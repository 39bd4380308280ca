// search_terms.cc — see search_terms.h.
#include "index/search_terms.h"

#include <cctype>

namespace xtractr {

// pkt.time is a value slot; pkt.id is the document id; pkt.flow and pkt.dir are in index.db.
const char *const kPacketColumnFields[] = {"pkt.src",   "pkt.dst",     "pkt.sport",  "pkt.dport",
                                           "pkt.proto", "pkt.service", "pkt.length", "pkt.caplen"};

const ImpliedColumn kImpliedColumns[kImpliedColumnCount] = {{"pkt.src", {"ip.src", "ipv6.src"}},
                                                            {"pkt.dst", {"ip.dst", "ipv6.dst"}},
                                                            {"pkt.sport", {"tcp.srcport", "udp.srcport"}},
                                                            {"pkt.dport", {"tcp.dstport", "udp.dstport"}},
                                                            {"pkt.caplen", {"pkt.length", nullptr}}};

namespace {
const FieldAlias kFieldAliases[] = {
    {"ip.addr", {"ip.src", "ip.dst"}, true},
    {"ipv6.addr", {"ipv6.src", "ipv6.dst"}, true},
    {"eth.addr", {"eth.src", "eth.dst"}, true},
    {"tcp.port", {"tcp.srcport", "tcp.dstport"}, true},
    {"udp.port", {"udp.srcport", "udp.dstport"}, true},
    {"frame.len", {"pkt.length", nullptr}, true},
    {"frame.cap_len", {"pkt.caplen", nullptr}, true},
    {"ip.host", {"ip.src", "ip.dst"}, false},
    {"ip.src_host", {"ip.src", nullptr}, false},
    {"ip.dst_host", {"ip.dst", nullptr}, false},
    {"ipv6.host", {"ipv6.src", "ipv6.dst"}, false},
    {"ipv6.src_host", {"ipv6.src", nullptr}, false},
    {"ipv6.dst_host", {"ipv6.dst", nullptr}, false},
    {"eth.addr_resolved", {"eth.src", "eth.dst"}, false},
    {"eth.addr.oui", {"eth.src", "eth.dst"}, false},
    {"eth.addr.oui_resolved", {"eth.src", "eth.dst"}, false},
    {"eth.lg", {"eth.src", "eth.dst"}, false},
    {"eth.ig", {"eth.src", "eth.dst"}, false},
    {"eth.src_resolved", {"eth.src", nullptr}, false},
    {"eth.src.oui", {"eth.src", nullptr}, false},
    {"eth.src.oui_resolved", {"eth.src", nullptr}, false},
    {"eth.src.lg", {"eth.src", nullptr}, false},
    {"eth.src.ig", {"eth.src", nullptr}, false},
    {"eth.dst_resolved", {"eth.dst", nullptr}, false},
    {"eth.dst.oui", {"eth.dst", nullptr}, false},
    {"eth.dst.oui_resolved", {"eth.dst", nullptr}, false},
    {"eth.dst.lg", {"eth.dst", nullptr}, false},
    {"eth.dst.ig", {"eth.dst", nullptr}, false},
};
}  // namespace

bool implied_field(const std::string &name) {
  static const char *const exact[] = {"frame.number",
                                      "frame.len",
                                      "frame.cap_len",
                                      "frame.marked",
                                      "frame.ignored",
                                      "frame.encap_type",
                                      "frame.offset_shift",
                                      "frame.interface_id",
                                      "frame.interface_name",
                                      "frame.interface_description",
                                      "ip.version",
                                      "ip.hdr_len",
                                      "ip.dsfield",
                                      "ip.dsfield.dscp",
                                      "ip.dsfield.ecn",
                                      "ip.len",
                                      "ip.id",
                                      "ip.flags",
                                      "ip.flags.rb",
                                      "ip.flags.df",
                                      "ip.flags.mf",
                                      "ip.frag_offset",
                                      "ip.ttl",
                                      "ipv6.version",
                                      "ipv6.ip.version",
                                      "ipv6.tclass",
                                      "ipv6.tclass.dscp",
                                      "ipv6.tclass.ecn",
                                      "ipv6.flow",
                                      "ipv6.plen",
                                      "ipv6.hlim",
                                      "tcp.seq",
                                      "tcp.seq_raw",
                                      "tcp.nxtseq",
                                      "tcp.ack",
                                      "tcp.ack_raw",
                                      "tcp.hdr_len",
                                      "tcp.len",
                                      "tcp.window_size",
                                      "tcp.window_size_value",
                                      "tcp.window_size_scalefactor",
                                      "tcp.urgent_pointer",
                                      "tcp.option_kind",
                                      "tcp.option_len",
                                      "tcp.flags.res",
                                      "tcp.flags.ae",
                                      "tcp.flags.ns",
                                      "tcp.flags.cwr",
                                      "tcp.flags.ece",
                                      "tcp.flags.urg",
                                      "tcp.flags.str",
                                      "tcp.analysis.bytes_in_flight",
                                      "tcp.analysis.push_bytes_sent",
                                      "tcp.analysis.acks_frame",
                                      "tcp.completeness",
                                      "tcp.payload",
                                      "tcp.segment_data",
                                      "udp.length",
                                      "udp.payload",
                                      "eth.padding",
                                      "eth.trailer",
                                      "eth.fcs"};
  for (const char *n : exact)
    if (name == n) return true;
  static const char *const prefixes[] = {"frame.time", "tcp.options.", "tcp.completeness.", "tcp.time_", "udp.time_"};
  for (const char *p : prefixes)
    if (name.compare(0, std::char_traits<char>::length(p), p) == 0) return true;
  return name.find("checksum") != std::string::npos;
}

bool presence_only_field(const std::string &name) {
  // the raw bytes of all TCP options: 38 k distinct values on the 16-round benchmark, a
  // posting in 85 % of its frames, searched by the options' own fields
  return name == "tcp.options";
}

const FieldAlias *find_alias(const std::string &name) {
  for (const FieldAlias &a : kFieldAliases)
    if (name == a.name) return &a;
  return nullptr;
}

std::string field_code(uint32_t id) {
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), digits[id % 36]);
    id /= 36;
  } while (id);
  return out;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

void spell_text_value(std::string_view text, bool string_field, std::string &value, std::string &folded) {
  folded.clear();
  if (!string_field) {
    value = lower_ascii(text);
    return;
  }
  value.assign(text);
  for (char c : text)
    if (c >= 'A' && c <= 'Z') {
      folded = lower_ascii(text);
      return;
    }
}

void split_words(std::string_view text, std::vector<std::string> &out) {
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && !std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < n && std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
    size_t length = i - start;
    if (length < 2 || length > 64) continue;
    std::string_view word = text.substr(start, length);
    bool has_letter = false;
    for (char c : word) has_letter |= std::isalpha(static_cast<unsigned char>(c)) != 0;
    if (has_letter) out.push_back(lower_ascii(word));  // numbers are searched as field values
  }
}

std::string encode_fields(const std::vector<SearchField> &fields) {
  std::string out;
  for (const auto &f : fields) {
    out += f.name + "\t" + std::to_string(f.flags) + "\t" + std::to_string(f.frames) + "\t";
    for (size_t i = 0; i < f.parents.size(); ++i) out += (i ? "," : "") + std::to_string(f.parents[i]);
    out += "\n";
  }
  return out;
}

std::string encode_terms(const std::vector<std::string> &terms) {
  std::string out;
  for (const std::string &t : terms) {
    out += t;
    out.push_back('\0');
  }
  return out;
}

std::vector<std::string> decode_terms(const std::string &text) {
  std::vector<std::string> out;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\0', at);
    if (end == std::string::npos) end = text.size();
    out.emplace_back(text, at, end - at);
    at = end + 1;
  }
  return out;
}

std::vector<SearchField> decode_fields(const std::string &text) {
  std::vector<SearchField> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    size_t tab = line.find('\t');
    SearchField f;
    f.name = line.substr(0, tab);
    if (tab != std::string::npos) {
      size_t tab2 = line.find('\t', tab + 1);
      f.flags = unsigned(std::stoul(line.substr(tab + 1, tab2 - tab - 1)));
      if (tab2 != std::string::npos) {
        size_t tab3 = line.find('\t', tab2 + 1);
        f.frames = std::stoull(line.substr(tab2 + 1, tab3 - tab2 - 1));
        size_t at = tab3 == std::string::npos ? line.size() : tab3 + 1;
        while (at < line.size()) {
          size_t comma = line.find(',', at);
          if (comma == std::string::npos) comma = line.size();
          f.parents.push_back(int32_t(std::stol(line.substr(at, comma - at))));
          at = comma + 1;
        }
      }
    }
    out.push_back(std::move(f));
    start = nl + 1;
  }
  return out;
}

}  // namespace xtractr
