// index_checksums.cc — see index_checksums.h.
#include "index/index_checksums.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/content_hash.h"
#include "index/index_location.h"

namespace xtractr {

namespace {

constexpr char kChecksumsFile[] = "checksums";

// The entries of `directory`/`relative` (a folder), as `relative`/name; folders among them
// (the search index's shards) are listed in turn, down to `depth` levels.
void list_files(const std::string &directory, const std::string &relative, int depth, std::vector<std::string> &out) {
  DIR *dir = opendir((directory + "/" + relative).c_str());
  if (!dir) return;
  while (dirent *entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    const std::string path = relative + "/" + name;
    if (depth > 0 && stat((directory + "/" + path).c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      list_files(directory, path, depth - 1, out);
    else
      out.push_back(path);
  }
  closedir(dir);
}

// The index files, relative to the index directory: index.db and search/** (the stub and
// each shard's files), sorted.
std::vector<std::string> index_files(const std::string &directory) {
  std::vector<std::string> out{"index.db"};
  list_files(directory, "search", 1, out);
  std::sort(out.begin(), out.end());
  return out;
}

bool stat_file(const std::string &path, IndexFiles::File &file) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  file.path = path;
  file.size = int64_t(st.st_size);
  file.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  file.inode = int64_t(st.st_ino);
  return true;
}

// The digest of a whole file; false when it cannot be read to its end.
bool digest_file(const std::string &path, uint64_t &digest, int64_t &size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  ContentHash hash;
  std::string buffer(1 << 20, '\0');
  size = 0;
  bool ok = true;
  for (;;) {
    ssize_t n = read(fd, &buffer[0], buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    hash.update(buffer.data(), size_t(n));
    size += n;
  }
  ::close(fd);
  digest = hash.digest();
  return ok;
}

}  // namespace

void record_checksums(const std::string &directory) {
  std::string text;
  for (const std::string &name : index_files(directory)) {
    uint64_t digest = 0;
    int64_t size = 0;
    if (!digest_file(directory + "/" + name, digest, size))
      throw std::runtime_error("cannot read '" + directory + "/" + name + "': " + std::strerror(errno));
    text += hash_hex(digest) + " " + std::to_string(size) + " " + name + "\n";
  }
  if (!write_text_file(directory + "/" + kChecksumsFile, text))
    throw std::runtime_error("cannot write '" + directory + "/" + kChecksumsFile + "'");
}

std::string verify_checksums(const std::string &directory, IndexFiles &verified) {
  verified.files.clear();
  std::ifstream in(directory + "/" + kChecksumsFile, std::ios::binary);
  if (!in) return "no checksums";
  std::string line;
  bool listed_search = false;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string digest_hex, name;
    int64_t recorded_size = -1;
    if (!(fields >> digest_hex >> recorded_size >> name) || name.find("..") != std::string::npos)
      return "checksums: malformed line";
    listed_search |= name.compare(0, 7, "search/") == 0;
    IndexFiles::File file;
    const std::string path = directory + "/" + name;
    if (!stat_file(path, file)) return name + ": missing";
    if (file.size != recorded_size)
      return name + ": " + std::to_string(file.size) + " bytes, " + std::to_string(recorded_size) + " when built";
    uint64_t digest = 0;
    int64_t size = 0;
    if (!digest_file(path, digest, size) || size != recorded_size) return name + ": unreadable";
    if (hash_hex(digest) != digest_hex) return name + ": checksum mismatch";
    verified.files.push_back(file);
  }
  if (verified.files.empty() || verified.files.front().path != directory + "/index.db" || !listed_search)
    return "checksums: incomplete";
  return "";
}

bool IndexFiles::changed_since_verified() const {
  for (const File &recorded : files) {
    File now;
    if (!stat_file(recorded.path, now) || now.size != recorded.size || now.mtime_ns != recorded.mtime_ns ||
        now.inode != recorded.inode)
      return true;
  }
  return false;
}

}  // namespace xtractr
