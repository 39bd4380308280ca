// index_location.cc — see index_location.h.
#include "index/index_location.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>

#include "core/content_hash.h"
#include "core/sql_error.h"

namespace xtractr {

namespace {

std::string absolute(const std::string &path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved)) return resolved;
  return path;
}

bool is_regular(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool has_glob_chars(const std::string &s) { return s.find_first_of("*?[") != std::string::npos; }

// Index directories, lock files and hidden files are never captures.
bool skip_name(const std::string &name) {
  if (name.empty() || name[0] == '.') return true;
  auto ends = [&](const char *suffix) {
    size_t n = std::strlen(suffix);
    return name.size() >= n && name.compare(name.size() - n, n, suffix) == 0;
  };
  return ends(".xtractr") || ends(".xtractr.lock");
}

std::string hash_hex(const std::string &s) {
  // FNV-1a 64: a stable, short name for a path in the cache
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
  return buf;
}

std::string base_name(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string parent_of(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string cache_root() {
  if (const char *dir = getenv("XTRACTR_CACHE_DIR"); dir && *dir) return dir;
  if (const char *xdg = getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/xtractr";
  if (const char *home = getenv("HOME"); home && *home) return std::string(home) + "/.cache/xtractr";
  return "/tmp/xtractr-" + std::to_string(getuid());
}

}  // namespace

CaptureSet resolve_capture_argument(const std::string &argument) {
  CaptureSet set;
  if (argument.empty()) throw UserError("no capture named (the capture argument is empty)");
  struct stat st;
  if (stat(argument.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      set.several = true;
      DIR *dir = opendir(argument.c_str());
      if (!dir) throw UserError("cannot read directory '" + argument + "': " + std::strerror(errno));
      while (dirent *entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (skip_name(name)) continue;
        std::string path = absolute(argument + "/" + name);
        if (is_regular(path)) set.files.push_back(path);
      }
      closedir(dir);
      if (set.files.empty()) throw UserError("directory '" + argument + "' holds no capture files");
    } else {
      set.files.push_back(absolute(argument));
    }
  } else if (has_glob_chars(argument)) {
    set.several = true;
    glob_t g{};
    if (glob(argument.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string path = g.gl_pathv[i];
        if (!skip_name(base_name(path)) && is_regular(path)) set.files.push_back(absolute(path));
      }
    }
    globfree(&g);
    if (set.files.empty()) throw UserError("no capture files match '" + argument + "'");
  } else {
    throw UserError("cannot open capture '" + argument + "': " + std::strerror(errno));
  }
  std::sort(set.files.begin(), set.files.end());
  set.files.erase(std::unique(set.files.begin(), set.files.end()), set.files.end());
  return set;
}

IndexPlaces index_places(const std::string &capture_path) {
  IndexPlaces places;
  std::string name = base_name(capture_path);
  std::string keyed = name + "-" + hash_hex(capture_path) + ".xtractr";
  if (const char *dir = getenv("XTRACTR_INDEX_DIR"); dir && *dir) {
    places.candidates.push_back(std::string(dir) + "/" + keyed);
    return places;
  }
  places.candidates.push_back(capture_path + ".xtractr");
  places.candidates.push_back(cache_root() + "/" + keyed);
  return places;
}

bool writable_place(const std::string &directory) {
  std::string probe = directory;
  // walk up to the first folder that exists
  for (;;) {
    struct stat st;
    if (stat(probe.c_str(), &st) == 0) return S_ISDIR(st.st_mode) && access(probe.c_str(), W_OK | X_OK) == 0;
    std::string parent = parent_of(probe);
    if (parent == probe) return false;
    probe = parent;
  }
}

void make_directories(const std::string &directory) {
  struct stat st;
  if (stat(directory.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    throw UserError("cannot create index directory '" + directory + "': a file of that name exists");
  }
  std::string parent = parent_of(directory);
  if (parent != directory) make_directories(parent);
  if (mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST)
    throw UserError("cannot create index directory '" + directory + "': " + std::strerror(errno));
}

bool write_text_file(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return bool(out);
}

void remove_tree(const std::string &path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    if (DIR *dir = opendir(path.c_str())) {
      while (dirent *entry = readdir(dir)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        remove_tree(path + "/" + name);
      }
      closedir(dir);
    }
    rmdir(path.c_str());
  } else {
    unlink(path.c_str());
  }
}

uint64_t file_sample_hash(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return 0;
  }
  constexpr int64_t kHead = 64 * 1024, kWindow = 4 * 1024, kWindows = 64;
  const int64_t size = st.st_size;
  ContentHash hash;
  std::string buffer(size_t(kHead), '\0');
  auto sample = [&](int64_t offset, int64_t length) {
    ssize_t n = pread(fd, &buffer[0], size_t(length), offset);
    if (n > 0) hash.update(buffer.data(), size_t(n));
  };
  sample(0, kHead);
  if (size > kHead) {
    // windows from the end of the head to the end of the file, the last one ending at EOF
    const int64_t span = size - kHead - kWindow;
    for (int64_t i = 0; i < kWindows; ++i) {
      int64_t offset = kHead + (span > 0 ? span * i / (kWindows - 1) : 0);
      sample(offset, std::min(kWindow, size - offset));
      if (span <= 0) break;
    }
  }
  ::close(fd);
  return hash.digest();
}

long long tree_size(const std::string &path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return 0;
  if (!S_ISDIR(st.st_mode)) return S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
  long long total = 0;
  if (DIR *dir = opendir(path.c_str())) {
    while (dirent *entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      total += tree_size(path + "/" + name);
    }
    closedir(dir);
  }
  return total;
}

}  // namespace xtractr
