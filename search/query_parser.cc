// query_parser.cc — see query_parser.h.
#include "search/query_parser.h"

#include <algorithm>
#include <cctype>

namespace xtractr {

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }

class Parser {
 public:
  explicit Parser(const std::string &text) : s_(text) {}

  std::unique_ptr<QueryNode> parse() {
    skip_ws();
    if (at_end()) fail(0, "the query is empty (use * for every row)");
    auto node = parse_or();
    skip_ws();
    if (!at_end()) {
      if (s_[pos_] == ')') fail(pos_, "unexpected ')' without a matching '('");
      fail(pos_, "unexpected text");
    }
    return node;
  }

 private:
  const std::string &s_;
  size_t pos_ = 0;
  int depth_ = 0;  // open groups and negations around pos_

  [[noreturn]] void fail(size_t at, const std::string &what) const {
    throw QuerySyntaxError("query syntax error at column " + std::to_string(at + 1) + ": " + what + " (query: \"" +
                           quoted_query() + "\")");
  }
  // A long query is echoed by its start only: a message is read, not scrolled.
  std::string quoted_query() const {
    constexpr size_t kEcho = 200;
    return s_.size() <= kEcho ? s_ : s_.substr(0, kEcho) + "...";
  }

  // One more level of nesting (a group or a negation) for the lifetime of this object. The
  // parser, the evaluator and the tree's destructor all recurse once per level, so the bound
  // keeps every one of them far from the end of the host's stack.
  class Nested {
   public:
    Nested(Parser &p, size_t at) : p_(p) {
      if (++p_.depth_ > kMaxQueryDepth)
        p_.fail(at, "nested too deeply (limit " + std::to_string(kMaxQueryDepth) + " groups and negations)");
    }
    ~Nested() { --p_.depth_; }
    Nested(const Nested &) = delete;
    Nested &operator=(const Nested &) = delete;

   private:
    Parser &p_;
  };
  bool at_end() const { return pos_ >= s_.size(); }
  void skip_ws() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool looking_at(const char *token) const {
    return s_.compare(pos_, std::char_traits<char>::length(token), token) == 0;
  }
  // An upper-case keyword standing alone (followed by space, '(' or the end).
  bool at_keyword(const char *word) const {
    size_t n = std::char_traits<char>::length(word);
    if (s_.compare(pos_, n, word) != 0) return false;
    size_t after = pos_ + n;
    return after >= s_.size() || std::isspace(static_cast<unsigned char>(s_[after])) || s_[after] == '(';
  }
  bool at_or() const { return looking_at("||") || at_keyword("OR"); }
  void consume_or() { pos_ += looking_at("||") ? 2 : 2; }

  static std::unique_ptr<QueryNode> make(QueryNode::Kind kind, size_t at) {
    auto n = std::make_unique<QueryNode>();
    n->kind = kind;
    n->column = int(at + 1);
    return n;
  }

  std::unique_ptr<QueryNode> parse_or() {
    size_t start = pos_;
    auto first = parse_and();
    skip_ws();
    if (!at_or()) return first;
    auto node = make(QueryNode::Kind::Or, start);
    node->children.push_back(std::move(first));
    while (true) {
      skip_ws();
      if (!at_or()) break;
      size_t op = pos_;
      consume_or();
      skip_ws();
      if (at_end() || s_[pos_] == ')') fail(op, "'||' needs a term after it");
      node->children.push_back(parse_and());
    }
    return node;
  }

  std::unique_ptr<QueryNode> parse_and() {
    size_t start = pos_;
    std::vector<std::unique_ptr<QueryNode>> terms;
    while (true) {
      skip_ws();
      if (at_end() || s_[pos_] == ')' || at_or()) break;
      if (looking_at("&&") || at_keyword("AND")) {
        size_t op = pos_;
        pos_ += looking_at("&&") ? 2 : 3;
        skip_ws();
        if (terms.empty() || at_end() || s_[pos_] == ')' || at_or()) fail(op, "'AND' needs a term on each side");
        continue;
      }
      terms.push_back(parse_unary());
    }
    if (terms.empty()) {
      if (at_or()) fail(pos_, "'||' needs a term before it");
      fail(pos_, "expected a term");
    }
    if (terms.size() == 1) return std::move(terms[0]);
    auto node = make(QueryNode::Kind::And, start);
    node->children = std::move(terms);
    return node;
  }

  std::unique_ptr<QueryNode> parse_unary() {
    skip_ws();
    size_t start = pos_;
    bool negate = false;
    if (s_[pos_] == '-' || s_[pos_] == '!') {
      ++pos_;
      negate = true;
    } else if (at_keyword("NOT")) {
      pos_ += 3;
      skip_ws();
      negate = true;
    }
    if (negate) {
      if (at_end() || std::isspace(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == ')')
        fail(start, "negation needs a term right after it");
      Nested level(*this, start);
      auto node = make(QueryNode::Kind::Not, start);
      node->children.push_back(parse_unary());
      return node;
    }
    return parse_primary();
  }

  std::unique_ptr<QueryNode> parse_primary() {
    size_t start = pos_;
    if (s_[pos_] == '(') {
      Nested level(*this, start);
      ++pos_;
      skip_ws();
      if (!at_end() && s_[pos_] == ')') fail(start, "empty parentheses");
      auto node = parse_or();
      skip_ws();
      if (at_end() || s_[pos_] != ')') fail(start, "missing ')' for this '('");
      ++pos_;
      return node;
    }
    if (s_[pos_] == ')') fail(pos_, "unexpected ')' without a matching '('");
    // field[|field...]:value ?
    size_t p = pos_;
    std::vector<std::string> fields;
    while (true) {
      size_t name_start = p;
      while (p < s_.size() && name_char(s_[p])) ++p;
      if (p == name_start) break;
      fields.push_back(s_.substr(name_start, p - name_start));
      if (p < s_.size() && s_[p] == '|' && p + 1 < s_.size() && s_[p + 1] != '|') {
        ++p;
        continue;
      }
      break;
    }
    if (!fields.empty() && p < s_.size() && s_[p] == ':') {
      auto node = make(QueryNode::Kind::Term, start);
      node->fields = std::move(fields);
      pos_ = p + 1;
      parse_values(*node, p);
      return node;
    }
    if (s_[pos_] == ':') fail(pos_, "missing field name before ':'");
    // a bare word
    auto node = make(QueryNode::Kind::Word, start);
    if (s_[pos_] == '"') {
      node->word = parse_quoted();
    } else {
      node->word = parse_bare(/*in_list*/ false);
      if (node->word.pieces.size() == 2 && node->word.pieces[0].empty() && node->word.pieces[1].empty())
        node->kind = QueryNode::Kind::All;
    }
    return node;
  }

  void parse_values(QueryNode &node, size_t colon) {
    if (at_end() || std::isspace(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == ')')
      fail(colon, "missing value after ':' (use field:* for \"present\")");
    if (s_[pos_] != '(') {
      node.values.push_back(parse_value(false));
      return;
    }
    size_t open = pos_++;
    while (true) {
      skip_ws();
      if (at_end()) fail(open, "missing ')' for this '('");
      node.values.push_back(parse_value(true));
      skip_ws();
      if (at_end()) fail(open, "missing ')' for this '('");
      if (s_[pos_] == ')') {
        ++pos_;
        return;
      }
      if (!at_or()) fail(pos_, "expected '||' or ')' between values");
      consume_or();
    }
  }

  QueryValue parse_value(bool in_list) {
    size_t start = pos_;
    QueryValue v;
    v.column = int(start + 1);
    char c = s_[pos_];
    if (c == '"') return parse_quoted();
    if (c == '[') {
      ++pos_;
      skip_ws();
      v.kind = QueryValue::Kind::Range;
      v.low = read_bound();
      skip_ws();
      if (at_keyword("TO")) {
        pos_ += 2;
        skip_ws();
      }
      v.high = read_bound();
      skip_ws();
      if (at_end() || s_[pos_] != ']') fail(start, "a range is [low high], missing ']'");
      ++pos_;
      if (v.low.empty() || v.high.empty()) fail(start, "a range needs two numbers, [low high]");
      if (v.low == "*") v.low.clear();
      if (v.high == "*") v.high.clear();
      return v;
    }
    if (c == '>' || c == '<') {
      bool greater = c == '>';
      ++pos_;
      bool inclusive = !at_end() && s_[pos_] == '=';
      if (inclusive) ++pos_;
      std::string bound = read_bound();
      if (bound.empty())
        fail(start, std::string("'") + (greater ? ">" : "<") + (inclusive ? "=" : "") + "' needs a number after it");
      v.kind = QueryValue::Kind::Range;
      if (greater) {
        v.low = bound;
        v.low_inclusive = inclusive;
      } else {
        v.high = bound;
        v.high_inclusive = inclusive;
      }
      return v;
    }
    v = parse_bare(in_list);
    v.column = int(start + 1);
    if (v.pieces.size() == 2 && v.pieces[0].empty() && v.pieces[1].empty()) v.kind = QueryValue::Kind::Any;
    return v;
  }

  std::string read_bound() {
    size_t start = pos_;
    while (!at_end() && !std::isspace(static_cast<unsigned char>(s_[pos_])) && s_[pos_] != ']' && s_[pos_] != ')' &&
           !looking_at("||"))
      ++pos_;
    return s_.substr(start, pos_ - start);
  }

  QueryValue parse_quoted() {
    size_t start = pos_++;
    QueryValue v;
    v.column = int(start + 1);
    std::string text;
    while (true) {
      if (at_end()) fail(start, "missing closing '\"'");
      char c = s_[pos_++];
      if (c == '"') break;
      if (c == '\\') {
        if (at_end()) fail(pos_ - 1, "a backslash at the end of the query escapes nothing");
        c = s_[pos_++];
      }
      text.push_back(c);
    }
    v.pieces.push_back(std::move(text));
    return v;
  }

  // A bare value or word: up to whitespace, an unescaped '(' or ')', or '||'.
  QueryValue parse_bare(bool in_list) {
    size_t start = pos_;
    QueryValue v;
    v.column = int(start + 1);
    std::string piece;
    while (!at_end()) {
      char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == ')' || looking_at("||")) break;
      if (c == '(') fail(pos_, "unescaped '(' inside a value (write \\( )");
      if (c == '"') fail(pos_, "unescaped '\"' inside a value (quote the whole value or write \\\")");
      ++pos_;
      if (c == '\\') {
        if (at_end()) fail(pos_ - 1, "a backslash at the end of the query escapes nothing");
        piece.push_back(s_[pos_++]);
        continue;
      }
      if (c == '*') {
        v.pieces.push_back(std::move(piece));
        piece.clear();
        continue;
      }
      piece.push_back(c);
    }
    (void)in_list;
    v.pieces.push_back(std::move(piece));
    if (pos_ == start) fail(start, "expected a value");
    // `**` would match anything that has some word or value, which no one means to ask
    if (v.pieces.size() > 2 && std::all_of(v.pieces.begin(), v.pieces.end(), [](const auto &p) { return p.empty(); }))
      fail(start, "'" + s_.substr(start, pos_ - start) +
                      "' is only wildcards: a wildcard needs text beside it (a lone * is every row, field:* a "
                      "field's presence)");
    return v;
  }
};

void describe_value(const QueryValue &v, std::string &out) {
  switch (v.kind) {
    case QueryValue::Kind::Any:
      out += "*";
      break;
    case QueryValue::Kind::Match:
      out += "\"" + v.text() + "\"";
      break;
    case QueryValue::Kind::Range:
      out += v.low_inclusive ? "[" : "(";
      out += v.low.empty() ? "-inf" : v.low;
      out += " ";
      out += v.high.empty() ? "inf" : v.high;
      out += v.high_inclusive ? "]" : ")";
      break;
  }
}

}  // namespace

std::string QueryValue::text() const {
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i) out.push_back('*');
    out += pieces[i];
  }
  return out;
}

std::unique_ptr<QueryNode> parse_query(const std::string &text) { return Parser(text).parse(); }

std::string describe(const QueryNode &node) {
  std::string out;
  switch (node.kind) {
    case QueryNode::Kind::And:
    case QueryNode::Kind::Or:
      out = node.kind == QueryNode::Kind::And ? "AND(" : "OR(";
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i) out += " ";
        out += describe(*node.children[i]);
      }
      return out + ")";
    case QueryNode::Kind::Not:
      return "NOT(" + describe(*node.children[0]) + ")";
    case QueryNode::Kind::All:
      return "ALL";
    case QueryNode::Kind::Word:
      out = "WORD(";
      describe_value(node.word, out);
      return out + ")";
    case QueryNode::Kind::Term:
      for (size_t i = 0; i < node.fields.size(); ++i) out += (i ? "|" : "") + node.fields[i];
      out += ":";
      if (node.values.size() > 1) out += "(";
      for (size_t i = 0; i < node.values.size(); ++i) {
        if (i) out += " || ";
        describe_value(node.values[i], out);
      }
      if (node.values.size() > 1) out += ")";
      return out;
  }
  return out;
}

bool wildcard_match(const std::vector<std::string> &pieces, std::string_view text) {
  if (pieces.size() == 1) return text == pieces[0];
  const std::string &first = pieces.front(), &last = pieces.back();
  if (text.size() < first.size() + last.size()) return false;
  if (text.compare(0, first.size(), first) != 0) return false;
  if (text.compare(text.size() - last.size(), last.size(), last) != 0) return false;
  size_t at = first.size();
  size_t end = text.size() - last.size();
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    if (pieces[i].empty()) continue;
    size_t found = text.substr(0, end).find(pieces[i], at);
    if (found == std::string_view::npos) return false;
    at = found + pieces[i].size();
  }
  return true;
}

}  // namespace xtractr
