// query_parser_test.cc — the xtractr query language parser: trees, escapes, wildcards, errors.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "search/query_parser.h"

using namespace xtractr;

namespace {

std::string tree(const std::string &q) { return describe(*parse_query(q)); }

// The 1-based column a syntax error names, or 0.
int error_column(const std::string &q) {
  try {
    parse_query(q);
  } catch (const QuerySyntaxError &e) {
    std::string m = e.what();
    auto at = m.find("column ");
    REQUIRE(at != std::string::npos);
    return std::stoi(m.substr(at + 7));
  }
  return 0;
}

}  // namespace

TEST_CASE("terms, words and the implicit AND") {
  CHECK(tree("http.request.method:POST") == "http.request.method:\"POST\"");
  CHECK(tree("a:1 b:2") == "AND(a:\"1\" b:\"2\")");
  CHECK(tree("a:1 AND b:2 && c:3") == "AND(a:\"1\" b:\"2\" c:\"3\")");
  CHECK(tree("mozilla") == "WORD(\"mozilla\")");
  CHECK(tree("field:\"quoted value\"") == "field:\"quoted value\"");
  CHECK(tree("*") == "ALL");
  CHECK(tree("http.host:*") == "http.host:*");
}

TEST_CASE("OR, NOT and parentheses") {
  CHECK(tree("a:1 || b:2") == "OR(a:\"1\" b:\"2\")");
  CHECK(tree("a:1 OR b:2 c:3") == "OR(a:\"1\" AND(b:\"2\" c:\"3\"))");
  CHECK(tree("(a:1 || b:2) c:3") == "AND(OR(a:\"1\" b:\"2\") c:\"3\")");
  CHECK(tree("-a:1") == "NOT(a:\"1\")");
  CHECK(tree("NOT a:1") == "NOT(a:\"1\")");
  CHECK(tree("!(a:1 b:2)") == "NOT(AND(a:\"1\" b:\"2\"))");
  CHECK(tree("or and") == "AND(WORD(\"or\") WORD(\"and\"))");  // lower case: words
}

TEST_CASE("value lists, several fields, ranges and comparisons") {
  CHECK(tree("tcp.port:(80 || 443 || 8080)") == "tcp.port:(\"80\" || \"443\" || \"8080\")");
  CHECK(tree("flow.src|flow.dst:10.0.0.1") == "flow.src|flow.dst:\"10.0.0.1\"");
  CHECK(tree("flow.duration:[1 300]") == "flow.duration:[1 300]");
  CHECK(tree("pkt.length:>1000") == "pkt.length:(1000 inf]");
  CHECK(tree("frame.time_epoch:>=1700000000") == "frame.time_epoch:[1700000000 inf]");
  CHECK(tree("x:<3") == "x:[-inf 3)");
  CHECK(tree("x:<=3") == "x:[-inf 3]");
  CHECK(tree("ip.src:10.0.0.0/8") == "ip.src:\"10.0.0.0/8\"");
  CHECK(tree("eth.src:00:11:22:33:44:55") == "eth.src:\"00:11:22:33:44:55\"");
}

TEST_CASE("wildcards and escapes") {
  auto q = parse_query("http.host:*.example.com");
  REQUIRE(q->values.size() == 1);
  CHECK(q->values[0].pieces == std::vector<std::string>{"", ".example.com"});
  CHECK(q->values[0].wildcard());
  auto e = parse_query("a:x\\*y\\:z\\(\\)\\ w");
  REQUIRE(e->values.size() == 1);
  CHECK(e->values[0].pieces == std::vector<std::string>{"x*y:z() w"});
  CHECK_FALSE(e->values[0].wildcard());
  CHECK(tree("a:\\-1") == "a:\"-1\"");
  CHECK(tree("a:\"x*y\"") == "a:\"x*y\"");  // quoted: a literal star
}

TEST_CASE("wildcard matching") {
  CHECK(wildcard_match({"", ".example.com"}, "www.example.com"));
  CHECK_FALSE(wildcard_match({"", ".example.com"}, "example.com"));
  CHECK(wildcard_match({"http", ""}, "http"));
  CHECK(wildcard_match({"a", "c", "e"}, "abcde"));
  CHECK_FALSE(wildcard_match({"a", "c", "e"}, "abde"));
  CHECK(wildcard_match({"ab", "ba"}, "aba") == false);  // pieces may not overlap
}

TEST_CASE("malformed queries name the column") {
  CHECK(error_column("") == 1);
  CHECK(error_column("a:1 )") == 5);
  CHECK(error_column("(a:1") == 1);
  CHECK(error_column("a: 1") == 2);
  CHECK(error_column("a:\"open") == 3);
  CHECK(error_column("a:1 ||") == 5);
  CHECK(error_column(":x") == 1);
  CHECK(error_column("x:[1 2") == 3);
  CHECK(error_column("x:(1 2)") == 6);
  CHECK(error_column("a:1 - b:2") == 5);
  CHECK(error_column("a:x\\") == 4);
  CHECK(error_column("()") == 1);
}

TEST_CASE("nesting deeper than kMaxQueryDepth is a syntax error at the first level too deep") {
  const int n = kMaxQueryDepth;
  CHECK(tree(std::string(size_t(n), '(') + "a:1" + std::string(size_t(n), ')')) == "a:\"1\"");
  CHECK(error_column(std::string(size_t(n) + 1, '(') + "a:1" + std::string(size_t(n) + 1, ')')) == n + 1);
  CHECK(error_column(std::string(100000, '-') + "a:1") == n + 1);
  CHECK(error_column("a:1 " + std::string(size_t(n), '!') + "(b:2)") == 5 + n);  // groups and negations count alike
}

TEST_CASE("a value of wildcards only is a syntax error") {
  CHECK(error_column("**") == 1);
  CHECK(error_column("a:1 http.host:***") == 15);
  CHECK(tree("*") == "ALL");
  CHECK(tree("a:b**c") == "a:\"b**c\"");
}
