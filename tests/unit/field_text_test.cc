// field_text_test.cc — append_field_text() (dissect/field_text.h) writes exactly what
// get_node_field_value(), tshark's own `-T fields` formatter, writes: every field of every
// frame of the test captures (and of the corpus when the build has one) is formatted
// both ways.
#include <dirent.h>
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "dissect/capture_reader.h"
#include "dissect/epan_session.h"
#include "dissect/field_text.h"
#include "dissect/wireshark_runtime.h"

extern "C" {
#include <epan/print.h>
}

#if defined(__SANITIZE_ADDRESS__)
#define kSanitized 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define kSanitized 1
#endif
#endif
#ifndef kSanitized
#define kSanitized 0
#endif

namespace {

struct Comparison {
  epan_dissect_t *edt = nullptr;
  std::string capture;
  uint32_t frame = 0;
  std::map<int, long> compared;  // by field type
  std::vector<std::string> mismatches;
};

void compare(proto_node *node, gpointer data) {
  auto *c = static_cast<Comparison *>(data);
  if (field_info *fi = PNODE_FINFO(node)) {
    std::string fast;
    if (fi->hfinfo->abbrev && xtractr::append_field_text(fi, fast)) {
      gchar *slow = get_node_field_value(fi, c->edt);
      const std::string expected = slow ? slow : "";
      g_free(slow);
      ++c->compared[fi->hfinfo->type];
      if (fast != expected && c->mismatches.size() < 10)
        c->mismatches.push_back(c->capture + " frame " + std::to_string(c->frame) + " " + fi->hfinfo->abbrev +
                                ": fast '" + fast + "', tshark '" + expected + "'");
    }
  }
  if (node->first_child) proto_tree_children_foreach(node, compare, data);
}

void compare_capture(const std::string &path, Comparison &c) {
  xtractr::CaptureReader reader(path);
  xtractr::EpanSession epan(reader.handle(), xtractr::EpanSession::Options{/*tree=*/true, /*columns=*/true});
  c.edt = epan.edt();
  c.capture = path.substr(path.rfind('/') + 1);
  uint32_t number = 0;
  while (reader.next()) {
    frame_data fdata;
    epan.begin_frame(fdata, ++number, reader.record(), reader.offset());
    epan.run(fdata, const_cast<wtap_rec &>(reader.record()), reader.data(), reader.file_type_subtype());
    c.frame = number;
    proto_tree_children_foreach(epan.edt()->tree, compare, &c);
    epan.end_frame(fdata);
    epan_dissect_reset(epan.edt());
    frame_data_destroy(&fdata);
  }
}

std::vector<std::string> captures_in(const std::string &folder) {
  std::vector<std::string> paths;
  if (DIR *dir = opendir(folder.c_str())) {
    while (dirent *e = readdir(dir)) {
      const std::string name = e->d_name;
      if (name.find(".pcap") != std::string::npos && name.find("CORRUPT") == std::string::npos &&
          name.find(".xtractr") == std::string::npos)
        paths.push_back(folder + "/" + name);
    }
    closedir(dir);
  }
  return paths;
}

}  // namespace

TEST_CASE("field text: the fast formats are tshark's -T fields text, field by field") {
  xtractr::ensure_wireshark();
  std::lock_guard<std::recursive_mutex> lock(xtractr::dissection_mutex());
  std::vector<std::string> paths = captures_in(XTRACTR_TEST_DATA_DIR);
#if !kSanitized
  // the corpus takes 10 s more; the sanitizer build (several times slower) keeps to tests/data
  std::vector<std::string> corpus = captures_in(XTRACTR_TEST_CORPUS_DIR);  // none when it is ""
  paths.insert(paths.end(), corpus.begin(), corpus.end());
#endif
  REQUIRE(paths.size() >= 10);
  Comparison c;
  for (const std::string &path : paths) compare_capture(path, c);
  for (const std::string &m : c.mismatches) UNSCOPED_INFO(m);
  CHECK(c.mismatches.empty());
  // every fast type met, so the comparison can fail for each of them
  for (ftenum type : {FT_STRING, FT_PROTOCOL, FT_ETHER, FT_IPv4, FT_RELATIVE_TIME}) {
    INFO(ftype_name(type));
    CHECK(c.compared[type] > 0);
  }
}
