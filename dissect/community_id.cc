// community_id.cc — see community_id.h.
#include "dissect/community_id.h"

#include <arpa/inet.h>
#include <gcrypt.h>

#include <cstring>
#include <vector>

namespace xtractr {

namespace {

bool parse_address(const std::string &text, std::vector<unsigned char> &out) {
  unsigned char buffer[16];
  if (inet_pton(AF_INET, text.c_str(), buffer) == 1) {
    out.assign(buffer, buffer + 4);
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) {
    out.assign(buffer, buffer + 16);
    return true;
  }
  return false;
}

std::string base64(const unsigned char *data, size_t length) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < length; i += 3) {
    unsigned v = unsigned(data[i]) << 16;
    if (i + 1 < length) v |= unsigned(data[i + 1]) << 8;
    if (i + 2 < length) v |= data[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < length ? alphabet[(v >> 6) & 63] : '=';
    out += i + 2 < length ? alphabet[v & 63] : '=';
  }
  return out;
}

// ICMP types that have a reply: the spec maps the pair onto one flow.
bool icmp_counterpart(int proto, unsigned type, unsigned &other) {
  static const unsigned v4[][2] = {{8, 0},   {0, 8},   {13, 14}, {14, 13}, {15, 16},
                                   {16, 15}, {17, 18}, {18, 17}, {9, 10},  {10, 9}};
  static const unsigned v6[][2] = {{128, 129}, {129, 128}, {133, 134}, {134, 133}, {135, 136}, {136, 135},
                                   {130, 131}, {131, 130}, {144, 145}, {145, 144}, {146, 147}, {147, 146}};
  if (proto == 1) {
    for (auto &p : v4)
      if (p[0] == type) {
        other = p[1];
        return true;
      }
  } else {
    for (auto &p : v6)
      if (p[0] == type) {
        other = p[1];
        return true;
      }
  }
  return false;
}

}  // namespace

std::string community_id(const std::string &src, const std::string &dst, int proto, unsigned sport, unsigned dport,
                         bool has_ports, unsigned seed) {
  std::vector<unsigned char> a, b;
  if (!parse_address(src, a) || !parse_address(dst, b) || a.size() != b.size()) return "";
  bool one_way = false;
  if (proto == 1 || proto == 58) {
    unsigned other = 0;
    if (icmp_counterpart(proto, sport, other))
      dport = other;
    else
      one_way = true;
    has_ports = true;
  }
  int cmp = std::memcmp(a.data(), b.data(), a.size());
  // one-way ICMP messages keep their direction; everything else is put in a canonical order
  if (!one_way && (cmp > 0 || (cmp == 0 && has_ports && sport > dport))) {
    std::swap(a, b);
    std::swap(sport, dport);
  }

  std::vector<unsigned char> input;
  input.push_back((seed >> 8) & 0xff);
  input.push_back(seed & 0xff);
  input.insert(input.end(), a.begin(), a.end());
  input.insert(input.end(), b.begin(), b.end());
  input.push_back(uint8_t(proto));
  input.push_back(0);
  if (has_ports) {
    input.push_back((sport >> 8) & 0xff);
    input.push_back(sport & 0xff);
    input.push_back((dport >> 8) & 0xff);
    input.push_back(dport & 0xff);
  }
  unsigned char digest[20];
  gcry_md_hash_buffer(GCRY_MD_SHA1, digest, input.data(), input.size());
  return "1:" + base64(digest, sizeof digest);
}

}  // namespace xtractr
