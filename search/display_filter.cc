// display_filter.cc — see display_filter.h.
#include "search/display_filter.h"

#include <arpa/inet.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/interruption.h"
#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "search/search_index.h"
#include "search/stored_fields.h"
#include "search/tree_guard.h"

extern "C" {
#include <epan/dfilter/dfilter.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/proto.h>
#include <wiretap/wtap.h>
}

namespace xtractr {

namespace {

// ---- a lexer good enough to see the and/or/not structure and the fields -------------------

struct Token {
  enum Kind { Word, String, Punct } kind;
  std::string text;
  size_t at;
};

std::vector<Token> tokenize(const std::string &s) {
  std::vector<Token> out;
  size_t i = 0, n = s.size();
  static const char *const ops[] = {"===", "!==", "==", "!=", "~=", ">=", "<=", "&&", "||", "^^", "..",
                                    ">",   "<",   "~",  "!",  "(",  ")",  "{",  "}",  "[",  "]",  ",",
                                    "$",   "#",   "@",  "+",  "*",  "/",  "%",  "&",  "|",  "-",  ":"};
  while (i < n) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      size_t start = i++;
      std::string text;
      while (i < n && s[i] != c) {
        if (s[i] == '\\' && i + 1 < n) {
          text.push_back(s[i]);
          ++i;
        }
        text.push_back(s[i++]);
      }
      ++i;
      out.push_back(Token{c == '"' ? Token::String : Token::Word, text, start});
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-') {
      size_t start = i;
      // a word: field names, numbers, addresses (10.0.0.0/8, fe80::1, 00:11:22:33:44:55)
      while (i < n && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '.' || s[i] == ':' ||
                       s[i] == '-' || s[i] == '/')) {
        if (s[i] == '.' && i + 1 < n && s[i + 1] == '.') break;  // a range 1..5
        ++i;
      }
      if (i > start) {
        out.push_back(Token{Token::Word, s.substr(start, i - start), start});
        continue;
      }
    }
    bool matched = false;
    for (const char *op : ops) {
      size_t len = std::strlen(op);
      if (s.compare(i, len, op) == 0) {
        out.push_back(Token{Token::Punct, op, i});
        i += len;
        matched = true;
        break;
      }
    }
    if (!matched) out.push_back(Token{Token::Punct, std::string(1, s[i++]), i - 1});
  }
  return out;
}

bool is_word(const Token &t, std::initializer_list<const char *> words) {
  if (t.kind != Token::Word && t.kind != Token::Punct) return false;
  for (const char *w : words)
    if (t.text == w) return true;
  return false;
}
bool is_and(const Token &t) { return is_word(t, {"&&", "and"}); }
bool is_or(const Token &t) { return is_word(t, {"||", "or", "^^", "xor"}); }
bool is_not(const Token &t) { return is_word(t, {"!", "not"}); }
bool is_equality(const Token &t) { return is_word(t, {"==", "eq", "any_eq", "==="}); }
bool is_comparison(const Token &t) {
  return is_word(t,
                 {"==", "eq", "any_eq", "===", "!=", "ne", "all_ne",   "!==",     "any_ne", "~=", ">", "gt",
                  ">=", "ge", "<",      "lt",  "<=", "le", "contains", "matches", "~",      "in", "&", "bitwise_and"});
}

header_field_info *field_of(const Token &t) {
  if (t.kind != Token::Word) return nullptr;
  return proto_registrar_get_byname(t.text.c_str());
}

}  // namespace

// ---- candidate plan -----------------------------------------------------------------------

struct DisplayFilter::Plan {
  enum class Kind { All, And, Or, Not, Field } kind = Kind::All;
  std::vector<std::unique_ptr<Plan>> children;
  std::string field;                // Field: frames carrying it ...
  std::vector<std::string> values;  // ... with one of these normalised values (empty: any)
  bool by_value = false;
  bool existence = false;        // the relation is the bare field: true exactly when it is present
  bool exact_values = false;     // the index spelling of `values` compares exactly as Wireshark does
  bool by_frame_number = false;  // frame.number == N / in {...}: `values` are the frame numbers
  // answered by scanning the field's value terms: an order comparison with an integer, or an
  // IPv4 CIDR block (`==`); exact, as Wireshark's ordering operators hold for any occurrence
  // Contains: a string field's value terms holding the (lower-cased) literal — a superset, as
  // the terms are lower-cased and Wireshark's `contains` is not
  enum class Scan { None, Less, LessEqual, Greater, GreaterEqual, Cidr, Contains } scan = Scan::None;
  int64_t bound = 0;
  std::string needle;
  uint32_t network = 0, mask = 0;  // host order
};

namespace {

using Plan = DisplayFilter::Plan;

std::unique_ptr<Plan> all_plan() { return std::make_unique<Plan>(); }

// A boolean compared with true: every non-zero value term.
constexpr const char *kTrue = "\x01true";

// The index spelling (search_terms.h) of a literal compared with `==` to field `hf`, if sure.
// `exact`: equal spellings mean equal values (numbers, addresses), not only a case-insensitive
// match (strings).
std::optional<std::string> index_spelling(header_field_info *hf, const Token &literal, bool &exact) {
  exact = hf->type != FT_STRING && hf->type != FT_STRINGZ && hf->type != FT_UINT_STRING && hf->type != FT_STRINGZPAD &&
          hf->type != FT_STRINGZTRUNC;
  // several header fields of this name: only integers of every one of them are spelled alike
  if (hf->same_name_next || hf->same_name_prev_id != -1) {
    header_field_info *first = hf;
    while (first->same_name_prev_id != -1) first = proto_registrar_get_nth(guint(first->same_name_prev_id));
    for (header_field_info *h = first; h; h = h->same_name_next)
      if (!IS_FT_INT(h->type) && !IS_FT_UINT(h->type)) return std::nullopt;
  }
  const std::string &t = literal.text;
  switch (hf->type) {
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
    case FT_INT8:
    case FT_INT16:
    case FT_INT24:
    case FT_INT32:
    case FT_INT40:
    case FT_INT48:
    case FT_INT56:
    case FT_INT64:
    case FT_FRAMENUM: {
      if (literal.kind != Token::Word || t.empty()) return std::nullopt;
      errno = 0;
      char *end = nullptr;
      long long v = std::strtoll(t.c_str(), &end, 0);  // decimal, 0x.., 0..
      if (errno || *end) return std::nullopt;
      if (t.size() > 1 && t[0] == '0' && t[1] != 'x' && t[1] != 'X') return std::nullopt;  // octal: leave it
      return std::to_string(v);
    }
    case FT_BOOLEAN:
      // stored shifted, so a one-bit flag is 0 or 1; candidates() checks that it is
      if (literal.kind != Token::Word) return std::nullopt;
      if (t == "1" || t == "True" || t == "true" || t == "TRUE") return std::string(kTrue);
      if (t == "0" || t == "False" || t == "false" || t == "FALSE") return std::string("0");
      return std::nullopt;
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
      if (literal.kind != Token::String || t.find('\\') != std::string::npos) return std::nullopt;
      if (t.empty() || t.size() > kMaxValueTerm) return std::nullopt;
      return lower_ascii(t);
    case FT_IPv4: {
      unsigned char b[4];
      if (literal.kind != Token::Word || inet_pton(AF_INET, t.c_str(), b) != 1) return std::nullopt;
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, b, text, sizeof text);
      return std::string(text);
    }
    case FT_ETHER: {
      if (literal.kind != Token::Word || t.size() != 17) return std::nullopt;
      for (size_t i = 0; i < 17; ++i)
        if (i % 3 == 2 ? t[i] != ':' : !std::isxdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
      return lower_ascii(t);
    }
    default:
      return std::nullopt;
  }
}

bool integer_type(const header_field_info *hf) {
  if (hf->same_name_next || hf->same_name_prev_id != -1) return false;
  switch (hf->type) {
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
    case FT_INT8:
    case FT_INT16:
    case FT_INT24:
    case FT_INT32:
    case FT_INT40:
    case FT_INT48:
    case FT_INT56:
    case FT_INT64:
    case FT_FRAMENUM:
      return true;
    default:
      return false;
  }
}

// `field op literal` answered from the value terms (Plan::scan), when sure.
bool scan_plan(header_field_info *hf, const Token &op, const Token &literal, Plan &p) {
  const std::string &t = literal.text;
  if (is_word(op, {"contains"}) && literal.kind == Token::String && !t.empty() && t.find('\\') == std::string::npos &&
      !hf->same_name_next && hf->same_name_prev_id == -1 &&
      (hf->type == FT_STRING || hf->type == FT_STRINGZ || hf->type == FT_UINT_STRING || hf->type == FT_STRINGZPAD ||
       hf->type == FT_STRINGZTRUNC)) {
    p.scan = Plan::Scan::Contains;
    p.needle = lower_ascii(t);
    return true;
  }
  if (hf->type == FT_IPv4 && is_equality(op) && literal.kind == Token::Word && !hf->same_name_next &&
      hf->same_name_prev_id == -1) {
    size_t slash = t.find('/');
    if (slash == std::string::npos) return false;
    unsigned char b[4];
    char *end = nullptr;
    long bits = std::strtol(t.c_str() + slash + 1, &end, 10);
    if (*end || bits < 0 || bits > 32 || inet_pton(AF_INET, t.substr(0, slash).c_str(), b) != 1) return false;
    p.scan = Plan::Scan::Cidr;
    p.mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
    p.network = (uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]) & p.mask;
    return true;
  }
  if (!integer_type(hf) || hf->type == FT_FRAMENUM || literal.kind != Token::Word) return false;
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(t.c_str(), &end, 0);
  if (errno || *end || t.empty() || (t.size() > 1 && t[0] == '0' && t[1] != 'x' && t[1] != 'X')) return false;
  if (is_word(op, {"<", "lt"}))
    p.scan = Plan::Scan::Less;
  else if (is_word(op, {"<=", "le"}))
    p.scan = Plan::Scan::LessEqual;
  else if (is_word(op, {">", "gt"}))
    p.scan = Plan::Scan::Greater;
  else if (is_word(op, {">=", "ge"}))
    p.scan = Plan::Scan::GreaterEqual;
  else
    return false;
  p.bound = v;
  return true;
}

bool scan_matches(const Plan &p, std::string_view value) {
  if (p.scan == Plan::Scan::Contains) return value.find(p.needle) != std::string_view::npos;
  if (p.scan == Plan::Scan::Cidr) {
    unsigned char b[4];
    if (inet_pton(AF_INET, std::string(value).c_str(), b) != 1) return false;
    uint32_t a = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
    return (a & p.mask) == p.network;
  }
  errno = 0;
  std::string s(value);
  char *end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno || *end || s.empty()) return false;
  switch (p.scan) {
    case Plan::Scan::Less:
      return v < p.bound;
    case Plan::Scan::LessEqual:
      return v <= p.bound;
    case Plan::Scan::Greater:
      return v > p.bound;
    case Plan::Scan::GreaterEqual:
      return v >= p.bound;
    default:
      return false;
  }
}

class PlanParser {
 public:
  explicit PlanParser(const std::vector<Token> &tokens) : t_(tokens) {}

  // nullptr when the structure is not understood
  std::unique_ptr<Plan> parse() {
    auto plan = parse_or();
    if (!plan || pos_ != t_.size()) return nullptr;
    return plan;
  }

 private:
  const std::vector<Token> &t_;
  size_t pos_ = 0;

  bool at_end() const { return pos_ >= t_.size(); }

  std::unique_ptr<Plan> parse_or() {
    auto first = parse_and();
    if (!first) return nullptr;
    if (at_end() || !is_or(t_[pos_])) return first;
    auto node = std::make_unique<Plan>();
    node->kind = Plan::Kind::Or;
    node->children.push_back(std::move(first));
    while (!at_end() && is_or(t_[pos_])) {
      ++pos_;
      auto next = parse_and();
      if (!next) return nullptr;
      node->children.push_back(std::move(next));
    }
    return node;
  }

  std::unique_ptr<Plan> parse_and() {
    auto first = parse_not();
    if (!first) return nullptr;
    if (at_end() || !is_and(t_[pos_])) return first;
    auto node = std::make_unique<Plan>();
    node->kind = Plan::Kind::And;
    node->children.push_back(std::move(first));
    while (!at_end() && is_and(t_[pos_])) {
      ++pos_;
      auto next = parse_not();
      if (!next) return nullptr;
      node->children.push_back(std::move(next));
    }
    return node;
  }

  std::unique_ptr<Plan> parse_not() {
    if (at_end()) return nullptr;
    if (is_not(t_[pos_])) {
      ++pos_;
      auto child = parse_not();
      if (!child) return nullptr;
      auto node = std::make_unique<Plan>();
      node->kind = Plan::Kind::Not;  // exact only when the child is
      node->children.push_back(std::move(child));
      return node;
    }
    if (t_[pos_].kind == Token::Punct && t_[pos_].text == "(") {
      size_t save = pos_;
      ++pos_;
      auto inner = parse_or();
      if (inner && !at_end() && t_[pos_].text == ")") {
        ++pos_;
        return inner;
      }
      pos_ = save;  // maybe arithmetic grouping: read it as a relation
    }
    return parse_relation();
  }

  // Tokens up to the next and/or (or unmatched ')') at depth 0.
  std::unique_ptr<Plan> parse_relation() {
    size_t start = pos_;
    int depth = 0;
    while (!at_end()) {
      const Token &t = t_[pos_];
      if (t.kind == Token::Punct && (t.text == "(" || t.text == "{" || t.text == "["))
        ++depth;
      else if (t.kind == Token::Punct && (t.text == ")" || t.text == "}" || t.text == "]")) {
        if (depth == 0) break;
        --depth;
      } else if (depth == 0 && (is_and(t) || is_or(t)))
        break;
      ++pos_;
    }
    if (pos_ == start) return nullptr;
    return relation(start, pos_);
  }

  std::unique_ptr<Plan> field_plan(header_field_info *hf) {
    auto p = std::make_unique<Plan>();
    p->kind = Plan::Kind::Field;
    p->field = hf->abbrev;
    return p;
  }

  std::unique_ptr<Plan> relation(size_t a, size_t b) {
    size_t n = b - a;
    const Token &first = t_[a];
    header_field_info *hf = field_of(first);
    if (hf && n == 1) {
      auto p = field_plan(hf);
      p->existence = true;
      return p;
    }
    if (hf && n >= 2 && first.kind == Token::Word) {
      const Token &op = t_[a + 1];
      if (op.kind == Token::Punct && op.text == "[") return field_plan(hf);  // a slice of it
      if (!is_comparison(op)) return all_plan();
      auto p = field_plan(hf);
      p->by_frame_number = std::strcmp(hf->abbrev, "frame.number") == 0;  // the document ids
      if (n == 3 && scan_plan(hf, op, t_[a + 2], *p)) return p;
      if (is_equality(op) && n == 3) {
        if (auto v = index_spelling(hf, t_[a + 2], p->exact_values)) {
          p->values.push_back(*v);
          p->by_value = true;
        }
      } else if (is_word(op, {"in"}) && n >= 4 && t_[a + 2].text == "{" && t_[b - 1].text == "}") {
        bool all = true;
        std::vector<std::string> values;
        for (size_t i = a + 3; i + 1 < b; ++i) {
          if (t_[i].text == ",") continue;
          auto v = index_spelling(hf, t_[i], p->exact_values);
          if (!v) {
            all = false;
            break;
          }
          values.push_back(*v);
        }
        if (all && !values.empty()) {
          p->values = std::move(values);
          p->by_value = true;
        }
      }
      return p;
    }
    // len(f) / lower(f) / upper(f) / string(f) <op> ...: needs f
    if (n >= 4 && first.kind == Token::Word && is_word(first, {"len", "lower", "upper", "string"}) &&
        t_[a + 1].text == "(" && t_[a + 3].text == ")") {
      if (header_field_info *arg = field_of(t_[a + 2])) return field_plan(arg);
    }
    // literal <op> field
    if (n == 3 && !hf && is_comparison(t_[a + 1])) {
      if (header_field_info *right = field_of(t_[a + 2])) return field_plan(right);
    }
    return all_plan();
  }
};

// Refuses what cannot be answered from stored values (see the header). Returns true when the
// `frame` protocol is used for its bytes (they are read back from the capture).
bool check_supported(const std::string &text, const std::vector<Token> &tokens) {
  bool frame_bytes = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token &t = tokens[i];
    if (t.kind == Token::Punct && t.text == "$")
      throw UserError("filter: field references and macros (${...}, $name) are not supported: \"" + text + "\"");
    if (t.kind == Token::Punct && t.text == "#")
      throw UserError("filter: the layer operator '#' is not supported (xtractr does not store protocol layers): \"" +
                      text + "\"");
    if (t.kind == Token::Punct && t.text == "@")
      throw UserError("filter: raw field bytes '@field' are not supported: \"" + text + "\"");
    header_field_info *hf = field_of(t);
    if (!hf || hf->type != FT_PROTOCOL) continue;
    auto boundary_before = [&](size_t k) {
      if (k == 0) return true;
      const Token &p = tokens[k - 1];
      if (is_and(p) || is_or(p) || is_not(p)) return true;
      if (p.text == "(") return k < 2 || !(tokens[k - 2].kind == Token::Word);  // not a function call
      return false;
    };
    auto boundary_after = [&](size_t k) {
      if (k + 1 >= tokens.size()) return true;
      const Token &p = tokens[k + 1];
      return is_and(p) || is_or(p) || p.text == ")";
    };
    if (boundary_before(i) && boundary_after(i)) continue;
    if (t.text == "frame") {
      frame_bytes = true;
      continue;
    }
    throw UserError("filter: the protocol '" + t.text +
                    "' is used for its bytes (a comparison, slice, contains/matches or function), which needs the "
                    "raw bytes of that protocol, which the index does not keep; only its presence can be "
                    "tested (the whole frame's bytes can: frame contains ...) (\"" +
                    text + "\")");
  }
  return frame_bytes;
}

// ---- putting stored values back into a protocol tree ----------------------------------------

int bit_shift(const header_field_info *hf) {
  if (!hf->bitmask) return 0;
  int shift = 0;
  while (!((hf->bitmask >> shift) & 1)) ++shift;
  return shift;
}

bool parse_hex_bytes(std::string_view text, std::vector<guint8> &out) {
  out.clear();
  int nibble = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else if (c == ':' || c == ' ' || c == '-' || c == '.') {
      if (nibble >= 0) return false;
      continue;
    } else
      return false;
    if (nibble < 0)
      nibble = v;
    else {
      out.push_back(guint8(nibble << 4 | v));
      nibble = -1;
    }
  }
  return nibble < 0;
}

bool parse_seconds(std::string_view text, nstime_t &out) {
  std::string s(text);
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.erase(0, 1);
  size_t dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || whole.find_first_not_of("0123456789") != std::string::npos) return false;
  if (frac.find_first_not_of("0123456789") != std::string::npos || frac.size() > 9) return false;
  out.secs = time_t(std::strtoll(whole.c_str(), nullptr, 10));
  frac.resize(9, '0');
  out.nsecs = int(std::strtol(frac.c_str(), nullptr, 10));
  if (negative) {
    out.secs = -out.secs;
    out.nsecs = -out.nsecs;
  }
  return true;
}

// "Nov 14, 2023 22:13:20.123456789 UTC" (tshark's absolute time), or epoch seconds.
bool parse_absolute_time(std::string_view text, nstime_t &out) {
  if (parse_seconds(text, out)) return true;
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string s(text);
  char month[4] = {};
  int day, year, hour, minute, second, consumed = 0;
  if (std::sscanf(s.c_str(), "%3s %d, %d %d:%d:%d%n", month, &day, &year, &hour, &minute, &second, &consumed) != 6)
    return false;
  int mon = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(month, months[i]) == 0) mon = i;
  if (mon < 0) return false;
  std::string rest = s.substr(size_t(consumed));
  int nsecs = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t k = 1;
    std::string frac;
    while (k < rest.size() && std::isdigit(static_cast<unsigned char>(rest[k]))) frac.push_back(rest[k++]);
    if (frac.size() > 9) return false;
    frac.resize(9, '0');
    nsecs = int(std::strtol(frac.c_str(), nullptr, 10));
    rest = rest.substr(k);
  }
  while (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
  struct tm tm {};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  if (rest == "UTC" || rest == "GMT")
    out.secs = timegm(&tm);
  else
    out.secs = mktime(&tm);  // the local time zone, as tshark printed it
  out.nsecs = nsecs;
  return true;
}

bool parse_guid(std::string_view text, e_guid_t &g) {
  std::vector<guint8> b;
  if (text.size() != 36 || !parse_hex_bytes(text, b) || b.size() != 16) return false;
  g.data1 = guint32(b[0]) << 24 | guint32(b[1]) << 16 | guint32(b[2]) << 8 | b[3];
  g.data2 = guint16(b[4] << 8 | b[5]);
  g.data3 = guint16(b[6] << 8 | b[7]);
  std::memcpy(g.data4, &b[8], 8);
  return true;
}

bool type_supported(const header_field_info *hf) {
  switch (hf->type) {
    case FT_NONE:
    case FT_PROTOCOL:
    case FT_BOOLEAN:
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
    case FT_INT8:
    case FT_INT16:
    case FT_INT24:
    case FT_INT32:
    case FT_INT40:
    case FT_INT48:
    case FT_INT56:
    case FT_INT64:
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
    case FT_IPv4:
    case FT_IPv6:
    case FT_ETHER:
    case FT_BYTES:
    case FT_UINT_BYTES:
    case FT_FLOAT:
    case FT_DOUBLE:
    case FT_RELATIVE_TIME:
    case FT_ABSOLUTE_TIME:
    case FT_GUID:
    case FT_EUI64:
      return hf->type != FT_BOOLEAN || hf->bitmask <= 0xffffffffu;
    default:
      return false;
  }
}

[[noreturn]] void cannot_rebuild(const header_field_info *hf, std::string_view value) {
  throw UserError(std::string("filter: cannot evaluate field '") + hf->abbrev + "' (" + ftype_name(hf->type) +
                  ") from its stored value '" + std::string(value.substr(0, 80)) + "'");
}

// Adds one stored value as an item of header field `hf`.
void add_value(proto_tree *tree, header_field_info *hf, const StoredValue &v, std::vector<guint8> &scratch,
               tvbuff_t *frame_tvb) {
  const int id = hf->id;
  const int shift = bit_shift(hf);
  auto text = [&] { return std::string(v.bytes); };
  switch (hf->type) {
    case FT_NONE:
      proto_tree_add_none_format(tree, id, nullptr, 0, 0, "%s", "");
      return;
    case FT_PROTOCOL:
      if (frame_tvb && std::strcmp(hf->abbrev, "frame") == 0)  // the frame's bytes, as Wireshark has them
        proto_tree_add_protocol_format(tree, id, frame_tvb, 0, gint(tvb_captured_length(frame_tvb)), "%s", hf->name);
      else
        proto_tree_add_protocol_format(tree, id, nullptr, 0, 0, "%s", hf->name);
      return;
    case FT_BOOLEAN:
      proto_tree_add_boolean(tree, id, nullptr, 0, 0,
                             guint32((uint64_t(v.integer) << shift) & (hf->bitmask ? hf->bitmask : ~0ull)));
      return;
    case FT_UINT8:
    case FT_UINT16:
    case FT_UINT24:
    case FT_UINT32:
    case FT_FRAMENUM:
      proto_tree_add_uint(tree, id, nullptr, 0, 0, guint32(uint64_t(v.integer) << shift));
      return;
    case FT_UINT40:
    case FT_UINT48:
    case FT_UINT56:
    case FT_UINT64:
      proto_tree_add_uint64(tree, id, nullptr, 0, 0, uint64_t(v.integer) << shift);
      return;
    case FT_INT8:
    case FT_INT16:
    case FT_INT24:
    case FT_INT32: {
      uint32_t raw = uint32_t(uint64_t(v.integer) << shift);
      if (hf->bitmask) raw &= uint32_t(hf->bitmask);
      proto_tree_add_int(tree, id, nullptr, 0, 0, gint32(raw));
      return;
    }
    case FT_INT40:
    case FT_INT48:
    case FT_INT56:
    case FT_INT64: {
      uint64_t raw = uint64_t(v.integer) << shift;
      if (hf->bitmask) raw &= hf->bitmask;
      proto_tree_add_int64(tree, id, nullptr, 0, 0, gint64(raw));
      return;
    }
    default:
      break;
  }
  if (v.kind == ValueKind::Integer || v.kind == ValueKind::Present) cannot_rebuild(hf, std::to_string(v.integer));
  std::string_view value = v.bytes;
  switch (hf->type) {
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
      proto_tree_add_string(tree, id, nullptr, 0, 0, text().c_str());
      return;
    case FT_IPv4: {
      ws_in4_addr a;
      if (inet_pton(AF_INET, text().c_str(), &a) != 1) cannot_rebuild(hf, value);
      proto_tree_add_ipv4(tree, id, nullptr, 0, 0, a);
      return;
    }
    case FT_IPv6: {
      ws_in6_addr a;
      if (inet_pton(AF_INET6, text().c_str(), &a) != 1) cannot_rebuild(hf, value);
      proto_tree_add_ipv6(tree, id, nullptr, 0, 0, &a);
      return;
    }
    case FT_ETHER:
      if (!parse_hex_bytes(value, scratch) || scratch.size() != 6) cannot_rebuild(hf, value);
      proto_tree_add_ether(tree, id, nullptr, 0, 0, scratch.data());
      return;
    case FT_EUI64: {
      if (!parse_hex_bytes(value, scratch) || scratch.size() != 8) cannot_rebuild(hf, value);
      guint64 x = 0;
      for (guint8 b : scratch) x = x << 8 | b;
      proto_tree_add_eui64(tree, id, nullptr, 0, 0, x);
      return;
    }
    case FT_BYTES:
    case FT_UINT_BYTES:
      if (v.kind == ValueKind::Bytes) {
        scratch.assign(value.begin(), value.end());
      } else if (!parse_hex_bytes(value, scratch)) {
        cannot_rebuild(hf, value);
      }
      proto_tree_add_bytes_with_length(tree, id, nullptr, 0, 0, scratch.data(), gint(scratch.size()));
      return;
    case FT_FLOAT:
    case FT_DOUBLE: {
      std::string s = text();
      char *end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (end == s.c_str() || *end) cannot_rebuild(hf, value);
      if (hf->type == FT_FLOAT)
        proto_tree_add_float(tree, id, nullptr, 0, 0, float(d));
      else
        proto_tree_add_double(tree, id, nullptr, 0, 0, d);
      return;
    }
    case FT_RELATIVE_TIME: {
      nstime_t t{};
      if (!parse_seconds(value, t)) cannot_rebuild(hf, value);
      proto_tree_add_time(tree, id, nullptr, 0, 0, &t);
      return;
    }
    case FT_ABSOLUTE_TIME: {
      nstime_t t{};
      if (!parse_absolute_time(value, t)) cannot_rebuild(hf, value);
      proto_tree_add_time(tree, id, nullptr, 0, 0, &t);
      return;
    }
    case FT_GUID: {
      e_guid_t g{};
      if (!parse_guid(value, g)) cannot_rebuild(hf, value);
      proto_tree_add_guid(tree, id, nullptr, 0, 0, &g);
      return;
    }
    default:
      cannot_rebuild(hf, value);
  }
}

// One frame's tree rebuild, run under xtractr_guarded(): Wireshark exceptions are longjmps,
// so errors of ours are caught here and carried out as text.
struct Rebuild {
  proto_tree *tree;
  const std::vector<StoredValue> *values;
  const std::vector<header_field_info *> *rebuild_as;
  std::vector<guint8> *scratch;
  tvbuff_t *frame_tvb;
  std::string error;
};

void rebuild_tree(void *context) {
  auto &job = *static_cast<Rebuild *>(context);
  try {
    for (const StoredValue &v : *job.values)
      if (v.id < job.rebuild_as->size() && (*job.rebuild_as)[v.id])
        add_value(job.tree, (*job.rebuild_as)[v.id], v, *job.scratch, job.frame_tvb);
  } catch (const std::exception &e) {
    job.error = e.what();
  }
}

// epan needs a host for frame timestamps; the rebuilt trees never ask.
const packet_provider_funcs kNoProvider = {nullptr, nullptr, nullptr, nullptr};

}  // namespace

struct DisplayFilter::Compiled {
  dfilter_t *df = nullptr;
  ~Compiled() {
    if (df) {
      std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
      dfilter_free(df);
    }
  }
};

DisplayFilter::DisplayFilter(const std::string &text) : text_(text), compiled_(std::make_unique<Compiled>()) {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  ensure_wireshark();
  gchar *error = nullptr;
  dfilter_loc_t loc{-1, 0};
  if (!dfilter_compile2(text.c_str(), &compiled_->df, &error, &loc)) {
    std::string message = error ? error : "invalid display filter";
    g_free(error);
    if (loc.col_start >= 0) message += " (at column " + std::to_string(loc.col_start + 1) + ")";
    throw UserError("filter: " + message + ": \"" + text + "\"");
  }
  g_free(error);
  if (!compiled_->df) throw UserError("filter: the filter is empty: \"" + text + "\"");
  std::vector<Token> tokens = tokenize(text);
  frame_bytes_ = check_supported(text, tokens);
  for (const Token &t : tokens)
    if (header_field_info *hf = field_of(t)) fields_.insert(hf->abbrev);
  plan_ = PlanParser(tokens).parse();
  if (!plan_) plan_ = all_plan();
}

DisplayFilter::~DisplayFilter() = default;

namespace {

// A superset of the matching frames; `exact` when it is the matching set itself.
struct Candidates {
  IdSet ids;
  bool exact;
};

Candidates candidates(const Plan &plan, SearchIndex &index) {
  switch (plan.kind) {
    case Plan::Kind::All:
      return {everything(index.frames()), false};
    case Plan::Kind::And: {
      Candidates acc = candidates(*plan.children[0], index);
      for (size_t i = 1; i < plan.children.size() && !acc.ids.empty(); ++i) {
        Candidates c = candidates(*plan.children[i], index);
        acc.ids = intersect(acc.ids, c.ids);
        acc.exact = acc.exact && c.exact;
      }
      if (acc.ids.empty()) acc.exact = true;  // a superset that is empty: nothing matches
      return acc;
    }
    case Plan::Kind::Or: {
      Candidates acc{{}, true};
      for (const auto &child : plan.children) {
        Candidates c = candidates(*child, index);
        acc.ids = unite(acc.ids, c.ids);
        acc.exact = acc.exact && c.exact;
      }
      return acc;
    }
    case Plan::Kind::Not: {
      Candidates c = candidates(*plan.children[0], index);
      if (!c.exact) return {everything(index.frames()), false};  // the complement of a superset is no superset
      return {complement(c.ids, index.frames()), true};
    }
    case Plan::Kind::Field: {
      if (plan.by_frame_number && plan.by_value) {
        IdSet ids;
        for (const std::string &v : plan.values) {
          uint64_t n = std::strtoull(v.c_str(), nullptr, 10);
          if (n >= 1 && n <= index.frames() && v[0] != '-') ids.push_back(uint32_t(n));
        }
        normalise(ids);
        return {std::move(ids), true};
      }
      // the value terms of the field itself, or of the fields an alias stands for
      std::vector<std::string> spelled_as;
      if (const FieldAlias *alias = find_alias(plan.field)) {
        if (alias->same_values)
          for (const char *t : alias->targets)
            if (t) spelled_as.push_back(t);
      } else {
        spelled_as.push_back(plan.field);
      }
      bool by_value = (plan.by_value || plan.scan != Plan::Scan::None) && !spelled_as.empty();
      for (const std::string &name : spelled_as)
        if (index.field(name) && !index.spelled(name)) by_value = false;
      if (by_value && plan.scan != Plan::Scan::None) {
        IdSet acc;
        for (const std::string &name : spelled_as) {
          auto id = index.field(name);
          if (!id) continue;
          std::string prefix = value_prefix(*id);
          index.for_each_term(prefix, [&](const std::string &term, uint32_t) {
            if (scan_matches(plan, std::string_view(term).substr(prefix.size()))) index.add_postings(term, acc);
          });
        }
        normalise(acc);
        bool exact = plan.scan != Plan::Scan::Contains || acc.empty();
        return {std::move(acc), exact};
      }
      if (!by_value) {
        IdSet ids = index.frames_with(plan.field);
        bool exact = (plan.existence && index.exact_presence(plan.field)) || ids.empty();
        return {std::move(ids), exact};
      }
      IdSet acc;
      bool exact = plan.exact_values;
      for (const std::string &name : spelled_as) {
        auto id = index.field(name);
        if (!id) continue;
        std::string prefix = value_prefix(*id);
        for (const std::string &v : plan.values) {
          if (v != kTrue) {
            index.add_postings(prefix + v, acc);
            continue;
          }
          index.for_each_term(prefix, [&](const std::string &term, uint32_t) {
            std::string_view value = std::string_view(term).substr(prefix.size());
            if (value == "0") return;
            if (value != "1") exact = false;  // a multi-bit flag: let Wireshark judge
            index.add_postings(term, acc);
          });
        }
      }
      normalise(acc);
      exact = exact || acc.empty();
      return {std::move(acc), exact};
    }
  }
  return {{}, false};
}

}  // namespace

IdSet DisplayFilter::matching_frames(SearchIndex &index) const {
  Candidates found = candidates(*plan_, index);
  // answered by the index alone (presence, == on numbers and addresses, and/or/not of those)
  if (found.exact) return std::move(found.ids);
  const IdSet &frames = found.ids;

  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  ensure_wireshark();
  const auto &dictionary = index.member().index->dictionary();

  epan_t *epan = epan_new(nullptr, &kNoProvider);
  epan_dissect_t *edt = epan_dissect_new(epan, TRUE, FALSE);
  struct Cleanup {
    epan_t *epan;
    epan_dissect_t *edt;
    ~Cleanup() {
      epan_dissect_free(edt);
      epan_free(epan);
    }
  } cleanup{epan, edt};

  // Which stored fields the filter reads (the field names in its text; dfilter reads every
  // header field of a name), and as which header field each is rebuilt.
  const std::unordered_set<std::string> &wanted_names = fields_;
  std::vector<header_field_info *> rebuild_as(dictionary.size(), nullptr);
  std::vector<int> extra_hfids;
  for (size_t i = 0; i < dictionary.size(); ++i) {
    if (!wanted_names.count(dictionary[i].name)) continue;
    header_field_info *chosen = nullptr;
    for (header_field_info *hf = proto_registrar_get_byname(dictionary[i].name.c_str()); hf; hf = hf->same_name_next) {
      if (!chosen) chosen = hf;
      if (field_kind(hf->id) == dictionary[i].kind) {
        chosen = hf;
        break;
      }
    }
    if (!chosen) continue;
    if (!type_supported(chosen))
      throw UserError(std::string("filter: field '") + chosen->abbrev + "' has type " + ftype_name(chosen->type) +
                      ", which xtractr cannot evaluate from the index: \"" + text_ + "\"");
    rebuild_as[i] = chosen;
    extra_hfids.push_back(chosen->id);
  }

  StoredFields stored(index.member());
  std::vector<bool> wanted(rebuild_as.size());
  for (size_t i = 0; i < rebuild_as.size(); ++i) wanted[i] = rebuild_as[i] != nullptr;
  std::vector<guint8> scratch;
  wtap_rec no_record{};
  IdSet out;
  size_t checked = 0;
  for (uint32_t frame : frames) {
    if (++checked % 4096 == 0)
      check_interrupted("filter on '" + index.member().index->capture() + "' was interrupted: \"" + text_ + "\"");
    const std::vector<StoredValue> &values = stored.frame(frame, &wanted);
    edt->pi.rec = &no_record;  // epan_dissect_reset() releases pi.rec->block
    epan_dissect_reset(edt);
    epan_dissect_prime_with_dfilter(edt, compiled_->df);
    for (int hf : extra_hfids) epan_dissect_prime_with_hfid(edt, hf);
    std::string bytes;
    tvbuff_t *frame_tvb = nullptr;
    if (frame_bytes_) {
      bytes = index.member().index->frame_bytes(frame);
      frame_tvb =
          tvb_new_real_data(reinterpret_cast<const guint8 *>(bytes.data()), guint(bytes.size()), gint(bytes.size()));
    }
    // the tree refers to the frame's tvb: it is emptied before the tvb is freed
    struct TvbOwner {
      epan_dissect_t *edt;
      wtap_rec *no_record;
      tvbuff_t *tvb;
      ~TvbOwner() {
        if (!tvb) return;
        edt->pi.rec = no_record;
        epan_dissect_reset(edt);
        tvb_free(tvb);
      }
    } tvb_owner{edt, &no_record, frame_tvb};
    Rebuild job{edt->tree, &values, &rebuild_as, &scratch, frame_tvb, {}};
    if (xtractr_guarded(rebuild_tree, &job) != 0)
      throw UserError("filter: cannot evaluate \"" + text_ + "\" on frame " + std::to_string(frame) + " of '" +
                      index.member().index->capture() + "' (libwireshark refused a stored value)");
    if (!job.error.empty()) throw UserError(job.error);
    if (dfilter_apply_edt(compiled_->df, edt)) out.push_back(frame);
  }
  edt->pi.rec = &no_record;
  epan_dissect_reset(edt);
  return out;
}

}  // namespace xtractr
