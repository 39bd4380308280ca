// capture_index.cc — see capture_index.h.
#include "index/capture_index.h"

#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "core/debug_log.h"
#include "core/interruption.h"
#include "core/sql_error.h"
#include "dissect/capture_reader.h"
#include "dissect/wireshark_runtime.h"
#include "index/build_process.h"
#include "index/capture_settings.h"
#include "index/index_checksums.h"
#include "index/index_location.h"
#include "index/index_meta.h"

namespace xtractr {

namespace {

// What open_if_valid() found: a valid index, or none — stale (another capture, version or
// content: rebuilt quietly) or damaged (`damage` says how: rebuilt with a warning).
struct Found {
  std::shared_ptr<CaptureIndex> index;
  std::string damage;
};

// Opens the index in `directory` if it is complete, intact (index_checksums.h) and describes
// the capture as it is now.
Found open_if_valid(const std::string &directory, const std::string &capture, const CaptureStamp &stamp,
                    const std::string &dissection) {
  std::string path = directory + "/index.db";
  struct stat st;
  if (stat(directory.c_str(), &st) != 0) return {};
  DebugPhase phase("index open", directory);
  if (access(path.c_str(), F_OK) != 0) return {nullptr, "index.db: missing"};
  try {
    Database db(path, SQLITE_OPEN_READONLY);
    IndexMeta meta = read_meta(db);
    if (!meta.describes(capture, stamp, dissection)) {
      phase.note("stale: another capture, version, settings or content");
      return {};
    }
    IndexFiles files;
    std::string damage;
    {
      DebugPhase checksums("checksums", directory);
      damage = verify_checksums(directory, files);
    }
    if (!damage.empty()) {
      phase.note("damaged: " + damage);
      return {nullptr, damage};
    }
    IndexSummary summary = std::move(meta.summary);
    summary.directory = directory;
    summary.index_size = tree_size(directory);
    return {std::make_shared<CaptureIndex>(std::move(db), std::move(summary), std::move(files)), ""};
  } catch (const std::exception &e) {
    return {nullptr, e.what()};  // unreadable or malformed: not an index we trust
  }
}

// An exclusive flock on the lock file `path`: one build of an index at a time, across
// processes and threads (each FileLock is its own open file description). The wait probes
// the connection, so a query waiting for another process's build stops on sqlite3_interrupt()
// too. The file exists only while someone builds or waits: the holder unlinks it before it
// unlocks, and a waiter that then gets the lock of the unlinked file sees that the path no
// longer names it and locks the path anew — so at most one holder has the file the path
// names, and no lock file stays beside the capture.
class FileLock {
 public:
  FileLock(const std::string &path, const std::string &capture) : path_(path) {
    DebugPhase phase("lock wait", path);
    for (;;) {
      fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd_ < 0) throw UserError("cannot create index lock '" + path + "': " + std::strerror(errno));
      wait_for_lock(capture, phase);
      if (still_named()) {
        record_holder();
        return;
      }
      ::close(fd_);  // its holder removed it: lock the file the path names now
      fd_ = -1;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) {
      unlink(path_.c_str());  // before unlocking: see the class comment
      flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;

 private:
  // The holder's pid, in the file, for XTRACTR_DEBUG's lines (debug_log.h) of those who wait.
  void record_holder() const {
    std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd_, 0) == 0 && pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
    }
  }
  std::string holder() const {
    char text[32] = {};
    ssize_t n = pread(fd_, text, sizeof text - 1, 0);
    return n > 0 ? std::string(text, size_t(n) - (text[n - 1] == '\n')) : std::string("?");
  }
  // Waits for the holder's build, probing the connection (interruptible). Bounded when it
  // cannot end: a holder that stays stopped (Ctrl-Z in its shell, a debugger) for 5 s is
  // an error naming it instead of a silent wait.
  void wait_for_lock(const std::string &capture, DebugPhase &phase) {
    int stopped_rounds = 0;
    for (int round = 0;; ++round) {
      if (flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
      if (errno != EWOULDBLOCK && errno != EINTR) {
        int e = errno;
        ::close(fd_);
        throw UserError("cannot lock '" + path_ + "': " + std::strerror(e));
      }
      const std::string pid = holder();
      if (round == 0) phase.note("held by pid " + pid + ", building");
      if (round % 50 == 49) debug_line("lock wait", path_ + ": still waiting, held by pid " + pid);  // every ~5 s
      stopped_rounds = process_stopped(pid) ? stopped_rounds + 1 : 0;
      try {
        if (stopped_rounds >= 50)
          throw UserError("the index of '" + capture + "' is being built by process " + pid +
                          ", which is stopped (suspended, e.g. Ctrl-Z, or in a debugger): resume it (fg, kill -CONT " +
                          pid + ") or end it, then query again");
        check_stop_requested("waiting for the index of '" + capture + "' (built by another query) was interrupted");
      } catch (...) {
        ::close(fd_);
        throw;
      }
      usleep(100 * 1000);
    }
  }
  // Whether process `pid` (text) is stopped or traced ('T' or 't' in /proc/PID/stat).
  static bool process_stopped(const std::string &pid) {
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return false;
    char text[512] = {};
    int fd = ::open(("/proc/" + pid + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    ssize_t n = read(fd, text, sizeof text - 1);
    ::close(fd);
    const char *paren = n > 0 ? std::strrchr(text, ')') : nullptr;
    return paren && (paren[2] == 'T' || paren[2] == 't');
  }
  // Whether the path still names the file we locked.
  bool still_named() const {
    struct stat ours {
    }, named{};
    return fstat(fd_, &ours) == 0 && stat(path_.c_str(), &named) == 0 && ours.st_dev == named.st_dev &&
           ours.st_ino == named.st_ino;
  }

  std::string path_;
  int fd_ = -1;
};

std::string parent_of(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

// The pid of a `<target>.tmp-PID` or `<target>.tmp-PID-old` folder, 0 when not one.
pid_t builder_of(const std::string &leftover, const std::string &target) {
  const std::string prefix = target + ".tmp-";
  if (leftover.compare(0, prefix.size(), prefix) != 0) return 0;
  char *end = nullptr;
  long pid = std::strtol(leftover.c_str() + prefix.size(), &end, 10);
  return pid > 0 && (*end == '\0' || std::strcmp(end, "-old") == 0) ? pid_t(pid) : 0;
}

// Removes the temporary folders of builds whose process is gone (killed -9 mid-build): a
// live one is another process's build in progress, left alone. Called on every first open.
void remove_dead_builds(const std::string &target) {
  glob_t g{};
  std::string pattern = target + ".tmp-*";
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      pid_t pid = builder_of(g.gl_pathv[i], target);
      if (pid > 0 && pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) remove_tree(g.gl_pathv[i]);
    }
  globfree(&g);
}

void remove_leftovers(const std::string &target) {
  glob_t g{};
  std::string pattern = target + ".tmp-*";
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) remove_tree(g.gl_pathv[i]);
  globfree(&g);
}

std::mutex &cache_mutex() {
  static std::mutex m;
  return m;
}

struct CacheEntry {
  CaptureStamp stamp;
  std::string dissection;  // the identity of its settings (capture_settings.h)
  std::shared_ptr<CaptureIndex> index;
};

std::map<std::string, CacheEntry> &cache() {
  static auto *c = new std::map<std::string, CacheEntry>();  // never destroyed: the extension is never unloaded
  return *c;
}

// The cache is locked only around its map: a build (in the indexer, under the index's file
// lock) never blocks queries on other captures.
std::shared_ptr<CaptureIndex> cached(const std::string &capture, const CaptureStamp &stamp,
                                     const std::string &dissection) {
  std::shared_ptr<CaptureIndex> index;
  {
    std::lock_guard<std::mutex> guard(cache_mutex());
    auto found = cache().find(capture);
    if (found != cache().end() && found->second.stamp == stamp && found->second.dissection == dissection)
      index = found->second.index;
  }
  // an index file written since it was verified is verified again (by the caller's open)
  return index && !index->files().changed_since_verified() ? index : nullptr;
}

// Its settings are remembered too: the extraction functions replay its frames with them.
std::shared_ptr<CaptureIndex> remember(const std::string &capture, const CaptureStamp &stamp,
                                       const CaptureSettings &settings, std::shared_ptr<CaptureIndex> index) {
  remember_capture_settings(capture, settings.settings);
  std::lock_guard<std::mutex> guard(cache_mutex());
  cache()[capture] = CacheEntry{stamp, settings.identity, index};
  return index;
}

// Tells of an index rebuilt because it was damaged: a warning in its meta (what
// xtractr_index() reports) and in SQLite's error log (`.log stderr` in the shell).
void note_rebuilt(const std::string &directory, const std::string &capture, const std::string &damage) {
  const std::string warning = "the index was damaged (" + damage + ") and has been rebuilt";
  Database db(directory + "/index.db", SQLITE_OPEN_READWRITE);
  Statement update(db.get(), "UPDATE meta SET value = value || ?1 || char(10) WHERE key = 'warnings'");
  update.bind(1, std::string_view(warning));
  update.run();
  sqlite3_log(SQLITE_WARNING, "xtractr: the index of '%s' was damaged (%s) and has been rebuilt", capture.c_str(),
              damage.c_str());
}

}  // namespace

void CaptureIndex::forget(const std::string &capture) {
  std::lock_guard<std::mutex> guard(cache_mutex());
  cache().erase(capture);
}

CaptureIndex::CaptureIndex(Database db, IndexSummary summary, IndexFiles files)
    : files_(std::move(files)), db_(std::move(db)), summary_(std::move(summary)) {
  Statement s(db_.get(), "SELECT id, name, kind FROM dictionary ORDER BY id");
  while (s.step()) {
    if (s.integer(0) != int64_t(dictionary_.size())) throw std::runtime_error("index dictionary is not dense");
    dictionary_.push_back(DictionaryEntry{std::string(s.text(1)), ValueKind(s.integer(2))});
  }
  block_stmt_ = Statement(db_.get(), "SELECT data FROM docs WHERE block = ?1");
}

std::string CaptureIndex::block(int64_t block) const {
  std::lock_guard<std::mutex> lock(block_mutex_);
  block_stmt_.bind(1, block);
  std::string data;
  if (block_stmt_.step()) data = std::string(block_stmt_.blob(0));
  block_stmt_.reset();
  return data;
}

std::string CaptureIndex::frame_bytes(uint32_t frame) const {
  // wiretap is used under libwireshark's process-wide lock, always taken first
  std::lock_guard<std::recursive_mutex> wireshark(dissection_mutex());
  std::lock_guard<std::mutex> lock(record_mutex_);
  if (!offset_stmt_) offset_stmt_ = Statement(db_.get(), "SELECT offset FROM packets WHERE id = ?1");
  offset_stmt_.bind(1, int64_t(frame));
  bool found = offset_stmt_.step();
  int64_t offset = found ? offset_stmt_.integer(0) : -1;
  offset_stmt_.reset();
  if (!found) throw std::runtime_error("index of '" + capture() + "' has no frame " + std::to_string(frame));
  if (!records_) {
    try {
      records_ = std::make_unique<RandomReader>(capture());
    } catch (const std::exception &e) {
      throw UserError("cannot read capture '" + capture() + "': " + e.what());
    }
  }
  if (!records_->read(offset))
    throw UserError("cannot read back frame " + std::to_string(frame) + " of '" + capture() +
                    "': " + records_->error() + " (was the capture changed?)");
  const wtap_rec &rec = records_->record();
  uint32_t length = rec.rec_type == REC_TYPE_PACKET ? rec.rec_header.packet_header.caplen : 0;
  return std::string(reinterpret_cast<const char *>(records_->data()), length);
}

std::shared_ptr<CaptureIndex> CaptureIndex::open(const std::string &capture, bool rebuild) {
  DebugPhase phase("open", capture);
  CaptureStamp stamp;
  {
    DebugPhase identity("identity check", capture);
    stamp = stamp_of(capture);
  }
  const CaptureSettings settings = capture_settings(capture);
  if (!rebuild)
    if (auto index = cached(capture, stamp, settings.identity)) {
      phase.note("cached");
      remember_capture_settings(capture, settings.settings);  // a key log's path may have changed
      return index;
    }

  IndexPlaces places = index_places(capture);
  {
    DebugPhase leftovers("leftover check", capture);
    for (const std::string &candidate : places.candidates) remove_dead_builds(candidate);
  }
  std::string damage;  // of the first damaged index found: it is rebuilt, with a warning
  if (!rebuild) {
    for (const std::string &candidate : places.candidates) {
      Found found = open_if_valid(candidate, capture, stamp, settings.identity);
      if (found.index) return remember(capture, stamp, settings, found.index);
      if (damage.empty()) damage = found.damage;
    }
  }
  std::string target;
  for (const std::string &candidate : places.candidates)
    if (writable_place(parent_of(candidate))) {
      target = candidate;
      break;
    }
  if (target.empty()) {
    std::string tried;
    for (const std::string &c : places.candidates) tried += (tried.empty() ? "" : ", ") + parent_of(c);
    const char *dir = getenv("XTRACTR_INDEX_DIR");
    throw UserError("no writable place for the index of '" + capture + "' (tried " + tried +
                    (dir && *dir ? "; XTRACTR_INDEX_DIR is not writable)" : "; set XTRACTR_INDEX_DIR)"));
  }
  make_directories(parent_of(target));
  FileLock lock(target + ".lock", capture);
  // another process may have built it while we waited for the lock
  if (!rebuild) {
    Found found = open_if_valid(target, capture, stamp, settings.identity);
    if (found.index) return remember(capture, stamp, settings, found.index);
    if (!found.damage.empty()) damage = found.damage;
  }
  remove_leftovers(target);
  std::string temporary = target + ".tmp-" + std::to_string(getpid());
  IndexSummary built;
  try {
    built = build_in_indexer(capture, temporary, settings_environment(settings));
    if (!damage.empty()) note_rebuilt(temporary, capture, damage);
    DebugPhase checksums("checksums written", temporary);
    record_checksums(temporary);
  } catch (const CaptureOpenError &e) {
    remove_tree(temporary);
    throw UserError("cannot read capture '" + capture + "': " + e.what());
  } catch (const Interrupted &) {
    remove_tree(temporary);
    throw;
  } catch (const std::exception &e) {
    remove_tree(temporary);
    if (damage.empty()) throw;
    throw IndexBuildFailed("the index of '" + capture + "' is damaged (" + damage +
                           ") and rebuilding it failed: " + e.what());
  } catch (...) {
    remove_tree(temporary);
    throw;
  }
  std::string old = target + ".tmp-" + std::to_string(getpid()) + "-old";
  bool had_old = rename(target.c_str(), old.c_str()) == 0;
  if (rename(temporary.c_str(), target.c_str()) != 0) {
    int e = errno;
    remove_tree(temporary);
    if (had_old) rename(old.c_str(), target.c_str());
    throw UserError("cannot move the index of '" + capture + "' into place: " + std::strerror(e));
  }
  if (had_old) remove_tree(old);
  Found found = open_if_valid(target, capture, stamp, settings.identity);
  if (!found.index && !found.damage.empty())
    throw UserError("the index of '" + capture + "' is damaged right after it was built (" + found.damage + ")");
  if (!found.index)
    throw UserError("the index of '" + capture + "' changed while it was built (the capture was modified?)");
  IndexSummary &summary = const_cast<IndexSummary &>(found.index->summary());
  summary.built_now = true;
  summary.seconds = built.seconds;
  return remember(capture, stamp, settings, found.index);
}

}  // namespace xtractr
