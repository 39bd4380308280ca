// fuzz_query.cc — libFuzzer target: the query language parser (search/query_parser.h).
//
// Usage: build-fuzz/tests/fuzz/fuzz_query -max_total_time=600 CORPUS_COPY tests/fuzz/corpus/query
//        (tests/fuzz/README.md; SQL equivalent: SELECT * FROM packets('c.pcap', '<input>'))
//
// How it works: any bytes are a query text. A syntax error (QuerySyntaxError, a UserError) is a
// right answer; anything else — a crash, a sanitizer report, another exception, unbounded
// recursion — is a finding. A parsed tree is printed back (describe()) and its wildcard values
// matched against the text, which walks every node the evaluator would.
#include <cstddef>
#include <cstdint>
#include <string>

#include "search/query_parser.h"

namespace {

void walk(const xtractr::QueryNode &node, const std::string &text) {
  for (const auto &child : node.children) walk(*child, text);
  for (const auto &value : node.values)
    if (value.kind == xtractr::QueryValue::Kind::Match) xtractr::wildcard_match(value.pieces, text);
  if (node.kind == xtractr::QueryNode::Kind::Word) xtractr::wildcard_match(node.word.pieces, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  try {
    auto tree = xtractr::parse_query(text);
    if (!tree) __builtin_trap();  // parse_query never returns null
    xtractr::describe(*tree);
    walk(*tree, text);
  } catch (const xtractr::UserError &) {
  }
  return 0;
}
