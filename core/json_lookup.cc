// json_lookup.cc — see json_lookup.h.
#include "core/json_lookup.h"

#include <cstdint>

namespace xtractr {

namespace {

void skip_space(std::string_view s, size_t &i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
}

// Moves i past the string literal starting at s[i] == '"'; false if unterminated.
bool skip_string(std::string_view s, size_t &i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '"') {
      ++i;
      return true;
    }
  }
  return false;
}

// Moves i past one value; false on malformed input.
bool skip_value(std::string_view s, size_t &i) {
  skip_space(s, i);
  if (i >= s.size()) return false;
  char c = s[i];
  if (c == '"') return skip_string(s, i);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < s.size()) {
      char d = s[i];
      if (d == '"') {
        if (!skip_string(s, i)) return false;
        continue;
      }
      if (d == '{' || d == '[')
        ++depth;
      else if (d == '}' || d == ']') {
        if (--depth == 0) {
          ++i;
          return true;
        }
      }
      ++i;
    }
    return false;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n') ++i;
  return true;
}

void append_utf8(std::string &out, uint32_t cp) {
  if (cp < 0x80)
    out.push_back(char(cp));
  else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

int hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  int v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    char c = s[k];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= c - '0';
    else if (c >= 'a' && c <= 'f')
      v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v |= c - 'A' + 10;
    else
      return -1;
  }
  return v;
}

}  // namespace

std::optional<std::string_view> json_member(std::string_view s, std::string_view key) {
  size_t i = 0;
  skip_space(s, i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  for (;;) {
    skip_space(s, i);
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    size_t key_start = i + 1;
    if (!skip_string(s, i)) return std::nullopt;
    std::string_view name = s.substr(key_start, i - 1 - key_start);
    bool match = name == key || (name.find('\\') != std::string_view::npos &&
                                 json_unescape(s.substr(key_start - 1, i - key_start + 1)) == key);
    skip_space(s, i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    skip_space(s, i);
    size_t value_start = i;
    if (!skip_value(s, i)) return std::nullopt;
    if (match) return s.substr(value_start, i - value_start);
    skip_space(s, i);
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    return std::nullopt;
  }
}

std::vector<std::string_view> json_elements(std::string_view v) {
  std::vector<std::string_view> out;
  size_t i = 0;
  skip_space(v, i);
  if (i >= v.size()) return out;
  if (v[i] != '[') {
    out.push_back(v.substr(i));
    return out;
  }
  ++i;
  for (;;) {
    skip_space(v, i);
    if (i >= v.size() || v[i] == ']') return out;
    size_t start = i;
    if (!skip_value(v, i)) return out;
    out.push_back(v.substr(start, i - start));
    skip_space(v, i);
    if (i < v.size() && v[i] == ',') ++i;
  }
}

std::string json_unescape(std::string_view lit) {
  std::string out;
  if (lit.size() < 2) return out;
  std::string_view s = lit.substr(1, lit.size() - 2);
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out.push_back(c);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        int cp = hex4(s, i + 1);
        if (cp < 0) {
          out.push_back('u');
          break;
        }
        i += 4;
        uint32_t code = uint32_t(cp);
        if (code >= 0xD800 && code < 0xDC00 && i + 6 < s.size() + 1 && s[i + 1] == '\\' && i + 2 < s.size() &&
            s[i + 2] == 'u') {
          int low = hex4(s, i + 3);
          if (low >= 0xDC00 && low < 0xE000) {
            code = 0x10000 + ((code - 0xD800) << 10) + uint32_t(low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, code);
        break;
      }
      default:
        out.push_back(e);
    }
  }
  return out;
}

}  // namespace xtractr
