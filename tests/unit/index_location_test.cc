// index_location_test.cc — which files a capture argument names and where their indexes go
// (extension/index_location.h).
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "core/sql_error.h"
#include "index/index_location.h"

using namespace xtractr;

namespace {

// A scratch folder, removed at the end of the test; restores the environment it changes.
struct Scratch {
  std::string dir;
  Scratch() {
    char pattern[] = "/tmp/xtractr-unit-XXXXXX";
    dir = mkdtemp(pattern);
    unsetenv("XTRACTR_INDEX_DIR");
    unsetenv("XTRACTR_CACHE_DIR");
    setenv("XDG_CACHE_HOME", (dir + "/cache").c_str(), 1);
  }
  ~Scratch() {
    remove_tree(dir);
    unsetenv("XTRACTR_INDEX_DIR");
    unsetenv("XTRACTR_CACHE_DIR");
  }
  std::string file(const std::string &name, const std::string &content = "x") const {
    std::string path = dir + "/" + name;
    std::ofstream(path) << content;
    return path;
  }
};

}  // namespace

TEST_CASE("a file argument names that file absolute", "[index_location]") {
  Scratch s;
  s.file("a.pcap");
  char cwd[4096];
  REQUIRE(getcwd(cwd, sizeof cwd));
  REQUIRE(chdir(s.dir.c_str()) == 0);
  CaptureSet set = resolve_capture_argument("a.pcap");
  REQUIRE(chdir(cwd) == 0);
  REQUIRE(set.files.size() == 1);
  CHECK(set.files[0] == std::string(realpath(s.dir.c_str(), nullptr)) + "/a.pcap");
  CHECK_FALSE(set.several);
}

TEST_CASE("a directory names its files in name order without indexes locks or hidden files", "[index_location]") {
  Scratch s;
  s.file("b.pcap");
  s.file("a.pcapng");
  s.file(".hidden.pcap");
  s.file("a.pcapng.xtractr.lock");
  mkdir((s.dir + "/a.pcapng.xtractr").c_str(), 0755);
  mkdir((s.dir + "/sub").c_str(), 0755);
  CaptureSet set = resolve_capture_argument(s.dir);
  CHECK(set.several);
  REQUIRE(set.files.size() == 2);
  CHECK(set.files[0].substr(set.files[0].rfind('/') + 1) == "a.pcapng");
  CHECK(set.files[1].substr(set.files[1].rfind('/') + 1) == "b.pcap");
}

TEST_CASE("a glob names what matches - nothing matching is an error naming the pattern", "[index_location]") {
  Scratch s;
  s.file("x1.pcap");
  s.file("x2.pcap");
  s.file("y.pcap");
  CaptureSet set = resolve_capture_argument(s.dir + "/x*.pcap");
  CHECK(set.several);
  CHECK(set.files.size() == 2);
  CHECK_THROWS_WITH(resolve_capture_argument(s.dir + "/z*.pcap"), Catch::Contains("z*.pcap"));
  CHECK_THROWS_AS(resolve_capture_argument(s.dir + "/missing.pcap"), UserError);
  CHECK_THROWS_WITH(resolve_capture_argument(s.dir + "/missing.pcap"), Catch::Contains("missing.pcap"));
  CHECK_THROWS_AS(resolve_capture_argument(""), UserError);
  mkdir((s.dir + "/empty").c_str(), 0755);
  CHECK_THROWS_WITH(resolve_capture_argument(s.dir + "/empty"), Catch::Contains("holds no capture files"));
}

TEST_CASE("indexes go beside the capture then to the cache - XTRACTR_INDEX_DIR overrides both", "[index_location]") {
  Scratch s;
  IndexPlaces places = index_places("/evidence/day1.pcapng");
  REQUIRE(places.candidates.size() == 2);
  CHECK(places.candidates[0] == "/evidence/day1.pcapng.xtractr");
  CHECK(places.candidates[1].rfind(s.dir + "/cache/xtractr/day1.pcapng-", 0) == 0);
  CHECK(places.candidates[1].size() > 8);
  CHECK(places.candidates[1].substr(places.candidates[1].size() - 8) == ".xtractr");
  // two captures with one name in two folders get two cache entries; one path always the same
  CHECK(index_places("/other/day1.pcapng").candidates[1] != places.candidates[1]);
  CHECK(index_places("/evidence/day1.pcapng").candidates[1] == places.candidates[1]);

  setenv("XTRACTR_CACHE_DIR", (s.dir + "/mycache").c_str(), 1);
  CHECK(index_places("/evidence/day1.pcapng").candidates[1].rfind(s.dir + "/mycache/day1.pcapng-", 0) == 0);

  setenv("XTRACTR_INDEX_DIR", (s.dir + "/all").c_str(), 1);
  IndexPlaces only = index_places("/evidence/day1.pcapng");
  REQUIRE(only.candidates.size() == 1);
  CHECK(only.candidates[0].rfind(s.dir + "/all/day1.pcapng-", 0) == 0);
}

TEST_CASE("writable_place walks up to the first existing folder", "[index_location]") {
  Scratch s;
  CHECK(writable_place(s.dir));
  CHECK(writable_place(s.dir + "/not/yet/there"));
  CHECK_FALSE(writable_place(s.file("plain") + "/below-a-file"));
  CHECK_FALSE(writable_place("/dev/null/x"));
  if (geteuid() != 0) CHECK_FALSE(writable_place("/proc/1"));  // root may write anywhere
}

TEST_CASE("make_directories creates parents and names what it could not create", "[index_location]") {
  Scratch s;
  make_directories(s.dir + "/a/b/c");
  struct stat st;
  CHECK(stat((s.dir + "/a/b/c").c_str(), &st) == 0);
  make_directories(s.dir + "/a/b/c");  // exists: fine
  std::string plain = s.file("plain");
  CHECK_THROWS_WITH(make_directories(plain), Catch::Contains(plain));
  CHECK_THROWS_WITH(make_directories(plain + "/sub"), Catch::Contains(plain + "': a file"));
}

TEST_CASE("tree_size and remove_tree", "[index_location]") {
  Scratch s;
  make_directories(s.dir + "/t/u");
  std::ofstream(s.dir + "/t/one") << "12345";
  std::ofstream(s.dir + "/t/u/two") << "123";
  CHECK(tree_size(s.dir + "/t") == 8);
  CHECK(tree_size(s.dir + "/t/one") == 5);
  CHECK(tree_size(s.dir + "/missing") == 0);
  remove_tree(s.dir + "/t");
  struct stat st;
  CHECK(stat((s.dir + "/t").c_str(), &st) != 0);
}
