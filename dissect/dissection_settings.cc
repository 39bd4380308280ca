// dissection_settings.cc — see dissection_settings.h.
#include "dissect/dissection_settings.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "dissect/wireshark_runtime.h"

extern "C" {
#include <epan/decode_as.h>
#include <epan/ftypes/ftypes.h>
#include <epan/packet.h>
#include <epan/prefs.h>
}

namespace xtractr {

namespace {

std::string trim(const std::string &s) {
  const char *space = " \t\r";
  size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

bool keylog_pref(const std::string &name) { return name == "tls.keylog_file" || name == "ssl.keylog_file"; }

std::string absolute(const std::string &path, const std::string &base_dir) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

// The parts of a `-d` rule: table==selector,protocol.
struct DecodeAsRule {
  std::string table, selector, protocol;
};

bool split_rule(const std::string &rule, DecodeAsRule &out) {
  size_t equals = rule.find("==");
  if (equals == std::string::npos) return false;
  size_t comma = rule.find(',', equals + 2);
  if (comma == std::string::npos) return false;
  out.table = trim(rule.substr(0, equals));
  out.selector = trim(rule.substr(equals + 2, comma - equals - 2));
  out.protocol = trim(rule.substr(comma + 1));
  return !out.table.empty() && !out.selector.empty() && !out.protocol.empty();
}

std::string read_keylog(const std::string &path) { return read_settings_file(path, "TLS key log"); }

// The integer selectors of a `-d` rule: N, N-M or N:COUNT, as tshark's -d reads them.
std::vector<guint32> integer_selectors(const std::string &rule, const std::string &selector) {
  auto number = [&](const std::string &text) {
    char *end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(text.c_str(), &end, 0);
    if (text.empty() || *end || errno || n > 0xffffffffull)
      throw SettingsError("-d " + rule + ": '" + selector + "' is not a number, N-M or N:COUNT");
    return guint32(n);
  };
  guint32 first = 0, last = 0;
  if (size_t dash = selector.find('-'); dash != std::string::npos) {
    first = number(trim(selector.substr(0, dash)));
    last = number(trim(selector.substr(dash + 1)));
  } else if (size_t colon = selector.find(':'); colon != std::string::npos) {
    first = number(trim(selector.substr(0, colon)));
    guint32 count = number(trim(selector.substr(colon + 1)));
    if (count == 0) throw SettingsError("-d " + rule + ": a count of 0");
    last = first + count - 1;
  } else {
    first = last = number(selector);
  }
  if (last < first || last - first > 65535) throw SettingsError("-d " + rule + ": '" + selector + "' is not a range");
  std::vector<guint32> values;
  for (guint64 v = first; v <= last; ++v) values.push_back(guint32(v));
  return values;
}

// The first handle of `table` whose protocol has the filter name `protocol` (as tshark's -d
// looks it up), nullptr when none.
dissector_handle_t handle_named(const std::string &table, const std::string &protocol) {
  struct Search {
    const std::string *name;
    dissector_handle_t found;
  } search{&protocol, nullptr};
  dissector_table_foreach_handle(
      table.c_str(),
      [](const gchar *, gpointer handle, gpointer data) {
        auto *s = static_cast<Search *>(data);
        const int id = dissector_handle_get_protocol_index(static_cast<dissector_handle_t>(handle));
        const char *name = id == -1 ? nullptr : proto_get_protocol_filter_name(id);
        if (!s->found && name && *s->name == name) s->found = static_cast<dissector_handle_t>(handle);
      },
      &search);
  return search.found;
}

// tshark's -d: the protocol's handle in the table (by its filter name), for each selector.
void apply_decode_as(const std::string &rule) {
  DecodeAsRule r;
  split_rule(rule, r);
  if (!find_dissector_table(r.table.c_str()))
    throw SettingsError("-d " + rule + ": no dissector table '" + r.table + "' (e.g. tcp.port, udp.port)");
  dissector_handle_t handle = handle_named(r.table, r.protocol);
  if (!handle)
    throw SettingsError("-d " + rule + ": '" + r.protocol + "' is not a protocol that '" + r.table + "' can decode as");
  const ftenum_t type = get_dissector_table_selector_type(r.table.c_str());
  if (IS_FT_UINT(type)) {
    for (guint32 value : integer_selectors(rule, r.selector)) dissector_change_uint(r.table.c_str(), value, handle);
  } else if (IS_FT_STRING(type)) {
    dissector_change_string(r.table.c_str(), r.selector.c_str(), handle);
  } else {
    throw SettingsError("-d " + rule + ": the table '" + r.table + "' takes no integer or string selector");
  }
}

pref_t *find_pref(const std::string &name) {
  size_t dot = name.find('.');
  if (dot == std::string::npos) return nullptr;
  module_t *module = prefs_find_module(name.substr(0, dot).c_str());
  return module ? prefs_find_preference(module, name.substr(dot + 1).c_str()) : nullptr;
}

void set_pref(const std::string &pref) {
  std::string arg = pref;
  char *message = nullptr;
  prefs_set_pref_e result = prefs_set_pref(arg.data(), &message);
  std::string why = message ? message : "";
  g_free(message);
  switch (result) {
    case PREFS_SET_OK:
      return;
    case PREFS_SET_SYNTAX_ERR:
      throw SettingsError("-o " + pref + ": invalid value" + (why.empty() ? "" : ": " + why));
    case PREFS_SET_NO_SUCH_PREF:
      throw SettingsError("-o " + pref + ": no such preference");
    case PREFS_SET_OBSOLETE:
      throw SettingsError("-o " + pref + ": an obsolete preference");
  }
}

// What this process's libwireshark has applied, and how to go back to the defaults.
struct Applied {
  DissectionSettings settings;
  std::vector<std::string> keylog_contents;
  std::vector<std::string> restore;  // "name:value" of each changed preference before the change
  bool decode_as = false;
};

Applied &applied() {
  static Applied *a = new Applied();  // never destroyed: libwireshark outlives static destructors
  return *a;
}

void restore_defaults(Applied &a) {
  for (auto it = a.restore.rbegin(); it != a.restore.rend(); ++it) {
    std::string arg = *it;
    char *message = nullptr;
    prefs_set_pref(arg.data(), &message);
    g_free(message);
  }
  if (a.decode_as) decode_clear_all();
  if (!a.restore.empty()) prefs_apply_all();
  a = Applied{};
}

void apply(const DissectionSettings &settings, Applied &a) {
  for (const std::string &path : settings.keylogs) a.keylog_contents.push_back(read_keylog(path));
  for (const std::string &pref : settings.prefs) {
    std::string name = trim(pref.substr(0, pref.find(':')));
    if (pref_t *p = find_pref(name)) {
      char *before = prefs_pref_to_str(p, pref_current);
      a.restore.push_back(name + ":" + (before ? before : ""));
      g_free(before);
    }
    set_pref(pref);
  }
  for (const std::string &rule : settings.decode_as) {
    a.decode_as = true;
    apply_decode_as(rule);
  }
  if (!settings.prefs.empty()) prefs_apply_all();
  a.settings = settings;
}

std::mutex &remembered_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, DissectionSettings> &remembered() {
  static auto *m = new std::map<std::string, DissectionSettings>();
  return *m;
}

}  // namespace

std::string read_settings_file(const std::string &path, const std::string &what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SettingsError("cannot read the " + what + " '" + path + "': " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string DissectionSettings::text() const {
  std::string out;
  for (const std::string &p : prefs) out += "-o " + p + "\n";
  for (const std::string &d : decode_as) out += "-d " + d + "\n";
  for (const std::string &k : keylogs) out += "-o tls.keylog_file:" + k + "\n";
  return out;
}

void add_pref(const std::string &pref, const std::string &origin, const std::string &base_dir,
              DissectionSettings &into) {
  size_t colon = pref.find(':');
  std::string name = colon == std::string::npos ? "" : trim(pref.substr(0, colon));
  if (name.empty() || name.find('.') == std::string::npos)
    throw SettingsError(origin + ": '" + pref + "' is not a preference (name:value, as tshark -o)");
  if (name == "uat") throw SettingsError(origin + ": '" + pref + "': table (uat:) preferences are not supported");
  if (keylog_pref(name)) {
    std::string path = trim(pref.substr(colon + 1));
    if (path.size() >= 2 && path.front() == '"' && path.back() == '"') path = path.substr(1, path.size() - 2);
    if (!path.empty()) into.keylogs.push_back(absolute(path, base_dir));
    return;
  }
  into.prefs.push_back(trim(pref));
}

void add_decode_as(const std::string &rule, const std::string &origin, DissectionSettings &into) {
  DecodeAsRule parts;
  if (!split_rule(rule, parts))
    throw SettingsError(origin + ": '" + rule + "' is not a Decode As rule (table==selector,protocol, as tshark -d)");
  into.decode_as.push_back(parts.table + "==" + parts.selector + "," + parts.protocol);
}

void parse_settings(const std::string &text, const std::string &origin, const std::string &base_dir,
                    DissectionSettings &into) {
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = origin + ":" + std::to_string(number);
    std::string option = line.substr(0, 2);
    std::string value = trim(line.substr(2));
    if (option == "-o")
      add_pref(value, where, base_dir, into);
    else if (option == "-d")
      add_decode_as(value, where, into);
    else
      throw SettingsError(where + ": '" + line +
                          "': a line is -o name:value, -d table==selector,protocol or # comment");
  }
}

void use_dissection_settings(const DissectionSettings &settings) {
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  ensure_wireshark();
  Applied &a = applied();
  if (a.settings == settings) {
    // the same settings: only a key log's content can have changed since (read again)
    std::vector<std::string> contents;
    for (const std::string &path : settings.keylogs) contents.push_back(read_keylog(path));
    a.keylog_contents = std::move(contents);
    return;
  }
  restore_defaults(a);
  try {
    apply(settings, a);
  } catch (...) {
    restore_defaults(a);
    throw;
  }
}

const std::vector<std::string> &applied_keylog_contents() { return applied().keylog_contents; }

void remember_capture_settings(const std::string &capture, const DissectionSettings &settings) {
  std::lock_guard<std::mutex> lock(remembered_mutex());
  if (settings.empty())
    remembered().erase(capture);
  else
    remembered()[capture] = settings;
}

DissectionSettings remembered_capture_settings(const std::string &capture) {
  std::lock_guard<std::mutex> lock(remembered_mutex());
  auto found = remembered().find(capture);
  return found == remembered().end() ? DissectionSettings{} : found->second;
}

}  // namespace xtractr
