// filter_plan.cc — see filter_plan.h.
#include "search/filter_plan.h"
#include "dissect/wireshark_runtime.h"

#include <arpa/inet.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/sql_error.h"
#include "dissect/wireshark_runtime.h"
#include "index/search_terms.h"

extern "C" {
#include <epan/proto.h>
#include <wsutil/regex.h>
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

using Plan = FilterPlan;

std::unique_ptr<Plan> all_plan() { return std::make_unique<Plan>(); }

bool string_type(const header_field_info *hf) {
  return hf->type == FT_STRING || hf->type == FT_STRINGZ || hf->type == FT_UINT_STRING || hf->type == FT_STRINGZPAD ||
         hf->type == FT_STRINGZTRUNC;
}

// The index spelling (search_terms.h) of a literal compared with `==` to field `hf`, if sure:
// equal spellings mean equal values (numbers, addresses, strings as they are).
std::optional<std::string> index_spelling(header_field_info *hf, const Token &literal) {
  // several header fields of this name: only integers of every one of them are spelled alike
  if (hf->same_name_next || hf->same_name_prev_id != -1) {
    header_field_info *first = hf;
    while (first->same_name_prev_id != -1) first = proto_registrar_get_nth(guint(first->same_name_prev_id));
    for (header_field_info *h = first; h; h = h->same_name_next)
      if (!IS_FT_INT(h->type) && !IS_FT_UINT(h->type)) return std::nullopt;
  }
  const std::string &t = literal.text;
  if (integer_field_type(hf->type)) {
    if (literal.kind != Token::Word || t.empty()) return std::nullopt;
    errno = 0;
    char *end = nullptr;
    long long v = std::strtoll(t.c_str(), &end, 0);  // decimal, 0x.., 0..
    if (errno || *end) return std::nullopt;
    if (t.size() > 1 && t[0] == '0' && t[1] != 'x' && t[1] != 'X') return std::nullopt;  // octal: leave it
    return std::to_string(v);
  }
  switch (hf->type) {
    case FT_BOOLEAN:
      // stored shifted, so a one-bit flag is 0 or 1; candidates() checks that it is
      if (literal.kind != Token::Word) return std::nullopt;
      if (t == "1" || t == "True" || t == "true" || t == "TRUE") return std::string(kTrueValue);
      if (t == "0" || t == "False" || t == "false" || t == "FALSE") return std::string("0");
      return std::nullopt;
    case FT_STRING:
    case FT_STRINGZ:
    case FT_UINT_STRING:
    case FT_STRINGZPAD:
    case FT_STRINGZTRUNC:
      if (literal.kind != Token::String || t.find('\\') != std::string::npos) return std::nullopt;
      if (t.empty() || t.size() > kMaxValueTerm) return std::nullopt;
      return t;  // spelled as it is (spell_text_value)
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
  return !hf->same_name_next && hf->same_name_prev_id == -1 && integer_field_type(hf->type);
}

std::optional<std::string> literal_bytes(const Token &literal);

// `field matches pattern` on a string field: its value terms that the pattern matches, compiled
// as libwireshark 4.0's dfilter compiles it (semcheck.c: ws_regex_compile_ex(pattern, length,
// WS_REGEX_CASELESS | WS_REGEX_NEVER_UTF)) and matched as its string ftype does (the whole
// value, ws_regex_matches_length), so that the scan is exact. False when unsure.
bool regex_plan(header_field_info *hf, const Token &op, const std::optional<std::string> &pattern, Plan &p) {
  if (!is_word(op, {"matches", "~"}) || !pattern || hf->same_name_next || hf->same_name_prev_id != -1 ||
      !string_type(hf))
    return false;
  char *error = nullptr;
  ws_regex_t *re =
      ws_regex_compile_ex(pattern->data(), ssize_t(pattern->size()), &error, WS_REGEX_CASELESS | WS_REGEX_NEVER_UTF);
  g_free(error);
  if (!re) return false;  // libwireshark refused it already; never reached
  p.scan = Plan::Scan::Matches;
  p.regex = std::shared_ptr<_ws_regex>(re, ws_regex_free);
  return true;
}

// The pattern of a raw string literal (r"..." in tokens a, a+1: written without escapes), when
// its text holds no backslash before a quote or another backslash (whose reading is left to
// libwireshark).
std::optional<std::string> raw_string(const Token &r, const Token &literal) {
  if (r.kind != Token::Word || (r.text != "r" && r.text != "R") || literal.kind != Token::String ||
      literal.at != r.at + 1)
    return std::nullopt;
  const std::string &t = literal.text;
  for (size_t i = 0; i + 1 < t.size(); ++i)
    if (t[i] == '\\' && (t[i + 1] == '"' || t[i + 1] == '\\')) return std::nullopt;
  return t;
}

// `field op literal` answered from the value terms (Plan::scan), when sure.
bool scan_plan(header_field_info *hf, const Token &op, const Token &literal, Plan &p) {
  const std::string &t = literal.text;
  if (is_word(op, {"contains"}) && literal.kind == Token::String && !t.empty() && t.find('\\') == std::string::npos &&
      !hf->same_name_next && hf->same_name_prev_id == -1 && string_type(hf)) {
    p.scan = Plan::Scan::Contains;
    p.needle = t;  // string values are spelled as they are: the scan is exact
    return true;
  }
  if (literal.kind == Token::String && regex_plan(hf, op, literal_bytes(literal), p)) return true;
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

// The bytes a `contains` literal stands for: a string ("GET /", escapes \\ \" \xhh \ooo \n ...) or
// a byte string (47:45:54); nullopt when unsure, so that no needle is ever spelled wrongly.
std::optional<std::string> literal_bytes(const Token &literal) {
  const std::string &t = literal.text;
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = char(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  if (literal.kind == Token::Word) {  // aa:bb:cc (other separators could read as something else)
    if (t.size() < 5 || (t.size() + 1) % 3 != 0) return std::nullopt;
    for (size_t i = 0; i < t.size(); i += 3) {
      if (hex(t[i]) < 0 || hex(t[i + 1]) < 0) return std::nullopt;
      if (i + 2 < t.size() && t[i + 2] != t[2]) return std::nullopt;
      out.push_back(char(hex(t[i]) << 4 | hex(t[i + 1])));
    }
    if (t[2] != ':') return std::nullopt;
    return out;
  }
  if (literal.kind != Token::String) return std::nullopt;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '\\') {
      out.push_back(t[i]);
      continue;
    }
    if (++i >= t.size()) return std::nullopt;
    const char c = t[i];
    static const char kSimple[] = "\\\"'abfnrtv", kValue[] = "\\\"'\a\b\f\n\r\t\v";
    if (const char *at = std::strchr(kSimple, c); at && c) {
      out.push_back(kValue[at - kSimple]);
    } else if (c == 'x' && i + 2 < t.size() && hex(t[i + 1]) >= 0 && hex(t[i + 2]) >= 0) {
      out.push_back(char(hex(t[i + 1]) << 4 | hex(t[i + 2])));
      i += 2;
    } else if (c >= '0' && c <= '7' && i + 2 < t.size() && t[i + 1] >= '0' && t[i + 1] <= '7' && t[i + 2] >= '0' &&
               t[i + 2] <= '7') {
      out.push_back(char((c - '0') << 6 | (t[i + 1] - '0') << 3 | (t[i + 2] - '0')));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// `frame contains ...`, `tcp.payload contains ...`, `udp.payload contains ...`: the needle the
// payload index can narrow (payload_grams.h holds the trigrams of every frame's bytes).
void payload_plan(header_field_info *hf, const Token &op, const Token &literal, Plan &p) {
  if (!is_word(op, {"contains"})) return;
  const std::string_view name = hf->abbrev;
  if (name != "frame" && name != "tcp.payload" && name != "udp.payload") return;
  if (auto bytes = literal_bytes(literal); bytes && bytes->size() >= 3) p.payload_needle = *bytes;
}

}  // namespace

bool scan_matches(const Plan &p, std::string_view value) {
  if (p.scan == Plan::Scan::Contains) return value.find(p.needle) != std::string_view::npos;
  if (p.scan == Plan::Scan::Matches) return ws_regex_matches_length(p.regex.get(), value.data(), value.size());
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

namespace {

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
  // Negations and groups inside each other. libwireshark 4.0's own parser reads about 97
  // levels (its lemon stack holds 100 entries; a deeper filter overflows it and is compiled
  // from what is left: `!` runs of 99 or 199 are read as `frame`), so deeper than this bound
  // the plan is "not understood" (All) and libwireshark's compiled filter answers each frame in
  // step 2, as in tshark. The bound also keeps the recursion here and in candidates() short.
  static constexpr int kMaxPlanDepth = 64;
  struct Nested {
    explicit Nested(int &depth) : depth(depth) { ++depth; }
    ~Nested() { --depth; }
    int &depth;
  };
  const std::vector<Token> &t_;
  size_t pos_ = 0;
  int depth_ = 0;

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
    Nested level(depth_);
    if (depth_ > kMaxPlanDepth) return nullptr;
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
      if (n == 3) payload_plan(hf, op, t_[a + 2], *p);
      if (n == 3 && scan_plan(hf, op, t_[a + 2], *p)) return p;
      if (n == 4 && regex_plan(hf, op, raw_string(t_[a + 2], t_[a + 3]), *p)) return p;
      if (is_equality(op) && n == 3) {
        if (auto v = index_spelling(hf, t_[a + 2])) {
          p->values.push_back(*v);
          p->by_value = true;
          // `===` (all_eq) holds when every occurrence is equal: the value terms are a superset
          p->exact_values = !is_word(op, {"==="});
        }
      } else if (is_word(op, {"!=", "ne", "all_ne"}) && n == 3 && index_spelling(hf, t_[a + 2])) {
        // Wireshark 4.0: the field is present and none of its occurrences is equal
        auto equal = field_plan(hf);
        equal->by_frame_number = p->by_frame_number;
        equal->values.push_back(*index_spelling(hf, t_[a + 2]));
        equal->by_value = equal->exact_values = true;
        auto unequal = std::make_unique<Plan>();
        unequal->kind = Plan::Kind::Not;
        unequal->children.push_back(std::move(equal));
        p->existence = true;
        auto both = std::make_unique<Plan>();
        both->kind = Plan::Kind::And;
        both->children.push_back(std::move(p));
        both->children.push_back(std::move(unequal));
        return both;
      } else if (is_word(op, {"in"}) && n >= 4 && t_[a + 2].text == "{" && t_[b - 1].text == "}") {
        bool all = true;
        std::vector<std::string> values;
        for (size_t i = a + 3; i + 1 < b; ++i) {
          if (t_[i].text == ",") continue;
          auto v = index_spelling(hf, t_[i]);
          if (!v) {
            all = false;
            break;
          }
          values.push_back(*v);
        }
        if (all && !values.empty()) {
          p->values = std::move(values);
          p->by_value = p->exact_values = true;
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

}  // namespace

FilterAnalysis analyse_filter(const std::string &text) {
  FilterAnalysis out;
  std::vector<Token> tokens = tokenize(text);
  out.frame_bytes = check_supported(text, tokens);
  for (const Token &t : tokens)
    if (header_field_info *hf = field_of(t)) out.fields.insert(hf->abbrev);
  out.plan = PlanParser(tokens).parse();
  if (!out.plan) out.plan = all_plan();
  return out;
}

}  // namespace xtractr
