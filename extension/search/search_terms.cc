// search_terms.cc — see search_terms.h.
#include "extension/search/search_terms.h"

#include <cctype>

namespace xtractr {

// pkt.time is a value slot; pkt.id is the document id; pkt.flow and pkt.dir are in index.db.
const char *const kPacketColumnFields[] = {"pkt.src", "pkt.dst", "pkt.sport", "pkt.dport", "pkt.proto",
                                           "pkt.service", "pkt.length", "pkt.caplen"};

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

void split_words(std::string_view text, std::vector<std::string> &out) {
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && !std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < n && std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
    size_t length = i - start;
    if (length >= 2 && length <= 64) out.push_back(lower_ascii(text.substr(start, length)));
  }
}

std::string encode_fields(const std::vector<SearchField> &fields) {
  std::string out;
  for (const auto &f : fields) out += f.name + "\t" + std::to_string(f.flags) + "\n";
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
    if (tab != std::string::npos) f.flags = unsigned(std::stoul(line.substr(tab + 1)));
    out.push_back(std::move(f));
    start = nl + 1;
  }
  return out;
}

}  // namespace xtractr
