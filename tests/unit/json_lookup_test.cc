// json_lookup_test.cc — json_member / json_elements / json_unescape (extension/json_lookup.h).
#include <catch2/catch.hpp>

#include "core/json_lookup.h"

using xtractr::json_elements;
using xtractr::json_member;
using xtractr::json_unescape;

TEST_CASE("json_member finds top-level members and returns their raw text", "[json_lookup]") {
  const char *doc = R"({"id":4,"s":"a\"b","arr":[1,[2,3],{"x":"]"}],"obj":{"id":99},"n":null,"f":-1.5e3})";
  CHECK(*json_member(doc, "id") == "4");
  CHECK(*json_member(doc, "s") == R"("a\"b")");
  CHECK(*json_member(doc, "arr") == R"([1,[2,3],{"x":"]"}])");
  CHECK(*json_member(doc, "obj") == R"({"id":99})");
  CHECK(*json_member(doc, "n") == "null");
  CHECK(*json_member(doc, "f") == "-1.5e3");
  CHECK_FALSE(json_member(doc, "x"));  // only inside a nested object
  CHECK_FALSE(json_member(doc, "i"));  // a prefix of a key is not the key
  CHECK_FALSE(json_member(doc, "ids"));
}

TEST_CASE("json_member tolerates whitespace and matches escaped keys", "[json_lookup]") {
  CHECK(*json_member(" {\n \"a\" :\t[ 1 , 2 ] , \"b\" : true }", "b") == "true");
  CHECK(*json_member(R"({"a\u002eb":7})", "a.b") == "7");
  CHECK(*json_member(R"({"q\"k":1})", "q\"k") == "1");
}

TEST_CASE("json_member says nothing about what is not a JSON object", "[json_lookup]") {
  CHECK_FALSE(json_member("", "a"));
  CHECK_FALSE(json_member("[1,2]", "a"));
  CHECK_FALSE(json_member("\"a\"", "a"));
  CHECK_FALSE(json_member("{\"a\"", "a"));
  CHECK_FALSE(json_member("{\"a\":\"unterminated", "a"));
  CHECK_FALSE(json_member("{\"b\":[1,2", "a"));
  CHECK_FALSE(json_member("{}", "a"));
}

TEST_CASE("json_elements splits arrays and treats a scalar as one element", "[json_lookup]") {
  auto e = json_elements(R"([1, "two,three", [4,5], {"six":6}, null])");
  REQUIRE(e.size() == 5);
  CHECK(e[0] == "1");
  CHECK(e[1] == R"("two,three")");
  CHECK(e[2] == "[4,5]");
  CHECK(e[3] == R"({"six":6})");
  CHECK(e[4] == "null");
  CHECK(json_elements("[]").empty());
  CHECK(json_elements("  [ ]").empty());
  auto one = json_elements("\"x\"");
  REQUIRE(one.size() == 1);
  CHECK(one[0] == "\"x\"");
}

TEST_CASE("json_unescape decodes every JSON escape", "[json_lookup]") {
  CHECK(json_unescape(R"("plain")") == "plain");
  CHECK(json_unescape(R"("a\"b\\c\/d")") == "a\"b\\c/d");
  CHECK(json_unescape(R"("\n\r\t\b\f")") == "\n\r\t\b\f");
  CHECK(json_unescape(R"("\u0041\u00e9\u20ac")") == "A\xc3\xa9\xe2\x82\xac");
  CHECK(json_unescape(R"("\ud83d\ude00")") == "\xf0\x9f\x98\x80");  // a surrogate pair
  CHECK(json_unescape(R"("\u0000")") == std::string(1, '\0'));
  CHECK(json_unescape(R"("")").empty());
}
