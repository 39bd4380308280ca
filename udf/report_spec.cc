// report_spec.cc — see report_spec.h.
#include "udf/report_spec.h"

#include <cctype>
#include <cstdlib>
#include <optional>

#include "core/sql_error.h"

namespace xtractr {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// "name(arg, ...)" exactly; nullopt if `s` is not one.
std::optional<ReportSpec> parse_call(std::string_view s) {
  s = trim(s);
  size_t i = 0;
  while (i < s.size() && word_char(s[i])) ++i;
  if (i == 0 || std::isdigit(static_cast<unsigned char>(s[0]))) return std::nullopt;
  ReportSpec spec;
  spec.name = std::string(s.substr(0, i));
  std::string_view rest = trim(s.substr(i));
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return std::nullopt;
  std::string_view inside = rest.substr(1, rest.size() - 2);
  size_t p = 0;
  auto skip = [&] {
    while (p < inside.size() && std::isspace(static_cast<unsigned char>(inside[p]))) ++p;
  };
  skip();
  if (p == inside.size()) return spec;
  for (;;) {
    skip();
    if (p >= inside.size()) return std::nullopt;
    char c = inside[p];
    if (c == '\'' || c == '"') {
      std::string value;
      ++p;
      for (;;) {
        if (p >= inside.size()) return std::nullopt;
        if (inside[p] == c) {
          if (p + 1 < inside.size() && inside[p + 1] == c) {
            value.push_back(c);
            p += 2;
            continue;
          }
          ++p;
          break;
        }
        value.push_back(inside[p++]);
      }
      spec.args.emplace_back(std::move(value));
    } else {
      size_t start = p;
      while (p < inside.size() && inside[p] != ',' && inside[p] != ')' && inside[p] != '(' && inside[p] != '\'' &&
             inside[p] != '"')
        ++p;
      std::string word(trim(inside.substr(start, p - start)));
      if (word.empty()) return std::nullopt;
      char *end = nullptr;
      double number = std::strtod(word.c_str(), &end);
      if (end && *end == '\0')
        spec.args.emplace_back(number);
      else
        spec.args.emplace_back(std::move(word));
    }
    skip();
    if (p == inside.size()) return spec;
    if (inside[p] != ',') return std::nullopt;
    ++p;
  }
}

}  // namespace

bool mentions_flow_names(std::string_view text) {
  for (size_t at = text.find("flow."); at != std::string_view::npos; at = text.find("flow.", at + 1)) {
    if (at > 0 && (word_char(text[at - 1]) || text[at - 1] == '.')) continue;
    if (at + 5 < text.size() && (word_char(text[at + 5]))) return true;
  }
  return false;
}

ReportSpec parse_report(std::string_view text) {
  std::optional<ReportSpec> spec;
  std::string_view query;
  for (size_t at = text.rfind('>'); !spec && at != std::string_view::npos;
       at = at ? text.rfind('>', at - 1) : std::string_view::npos) {
    spec = parse_call(text.substr(at + 1));
    if (spec) query = text.substr(0, at);
    if (at == 0) break;
  }
  if (!spec) {
    spec = parse_call(text);
    query = {};
  }
  if (!spec)
    throw UserError(
        "xtractr_report(): expected 'QUERY > REPORT' with a report such as count('http.host') or "
        "sum('flow.src', 'flow.bytes'), not '" +
        std::string(text) + "'");
  spec->query = std::string(trim(query));
  spec->flows = mentions_flow_names(spec->query);
  for (const ReportArgument &a : spec->args)
    if (const auto *s = std::get_if<std::string>(&a); s && mentions_flow_names(*s)) spec->flows = true;
  return *spec;
}

}  // namespace xtractr
