// build_process.cc — see build_process.h.
#include "index/build_process.h"
#include "core/debug_log.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "core/interruption.h"
#include "core/library_folder.h"
#include "core/sql_error.h"
#include "dissect/capture_reader.h"
#include "index/build_settings.h"

extern char **environ;

namespace xtractr {

namespace {

// The indexing executable: $XTRACTR_INDEXER, else xtractr-indexer beside the library (or
// program) this code is linked into, symlinks resolved.
std::string indexer_path() {
  if (const char *path = std::getenv("XTRACTR_INDEXER"); path && *path) return path;
  std::string folder = library_folder(reinterpret_cast<const void *>(&indexer_path));
  return folder.empty() ? "xtractr-indexer" : folder + "/xtractr-indexer";
}

// A pipe's two ends, closed when done with.
struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_write();
    if (read >= 0) ::close(read);
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

// The running indexer; killed and reaped if still running when it goes out of scope (an
// interrupt, an exception), so no build outlives the call that started it.
class Child {
 public:
  explicit Child(pid_t pid) : pid_(pid) {}
  ~Child() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);  // its process group: the indexer and its workers
    kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_t pid() const { return pid_; }
  // Waits for the exit; the status as waitpid gives it.
  int wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
    return status;
  }

 private:
  pid_t pid_;
};

pid_t spawn_indexer(const std::string &program, const std::string &capture, const std::string &directory,
                    int report_write, const std::vector<std::string> &environment) {
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, report_write, report::kFd);
  // its stderr too: libwireshark's and glib's messages become part of an error, not noise in the host
  posix_spawn_file_actions_adddup2(&files, report_write, 2);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // signals the host ignores or blocks (Python ignores SIGPIPE) are the defaults again; its own
  // process group: the terminal's Ctrl-C goes to the host, which stops us
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  const std::string parent = std::to_string(getpid());
  std::vector<char *> argv{const_cast<char *>(program.c_str()), const_cast<char *>(capture.c_str()),
                           const_cast<char *>(directory.c_str()), const_cast<char *>(parent.c_str()), nullptr};
  pid_t pid = 0;
  // this process's xtractr_config() settings override the environment's
  std::vector<std::string> settings = build_setting_environment();
  settings.insert(settings.end(), environment.begin(), environment.end());
  std::vector<char *> env;
  for (char **e = environ; *e; ++e) {
    // XTRACTR_DEBUG stays the host's: the indexer's stderr is its report pipe (debug_log.h)
    bool overridden = std::strncmp(*e, "XTRACTR_DEBUG=", 14) == 0;
    for (const std::string &s : settings) overridden |= std::strncmp(*e, s.c_str(), s.find('=') + 1) == 0;
    if (!overridden) env.push_back(*e);
  }
  for (std::string &s : settings) env.push_back(s.data());
  env.push_back(nullptr);
  int rc = posix_spawn(&pid, program.c_str(), &files, &attributes, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0)
    throw IndexBuildFailed("cannot index '" + capture + "': cannot start the indexer '" + program +
                           "': " + std::strerror(rc));
  return pid;
}

// What the indexer reported, line by line.
struct Report {
  int64_t frame = 0, offset = 0;  // the last progress (or crash) frame
  bool done = false;
  std::string error_kind, error;  // from an `error` line
  int crash_signal = 0;
  std::string said;  // the last other line: what libwireshark or glib printed on stderr

  void line(const std::string &text) {
    auto space = text.find(' ');
    std::string kind = text.substr(0, space), rest = space == std::string::npos ? "" : text.substr(space + 1);
    if (kind == report::kProgress || kind == report::kCrash) {
      long long a = 0, b = 0;
      // a worker's crash names its frame; the merge's progress after it does not count
      if (std::sscanf(rest.c_str(), "%lld %lld", &a, &b) == 2 && !crash_signal) {
        frame = a;
        if (kind == report::kProgress) offset = b;
        if (kind == report::kCrash) crash_signal = int(b);
      }
    } else if (kind == report::kDone) {
      done = true;
    } else if (kind == report::kError) {
      auto sep = rest.find(' ');
      error_kind = rest.substr(0, sep);
      error = sep == std::string::npos ? "" : rest.substr(sep + 1);
    } else if (!text.empty()) {
      said = text.substr(0, 300);
    }
  }
};

// Progress on stderr, only when a person is watching it: frames, percent, rate, time left.
class Progress {
 public:
  Progress(const std::string &capture, int64_t size) : capture_(capture), size_(size), enabled_(isatty(2)) {}
  void show(int64_t frames, int64_t offset) {
    if (!enabled_ || frames == 0) return;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    double fraction = size_ > 0 ? std::min(1.0, double(offset) / double(size_)) : 0;
    double left = fraction > 0.01 ? seconds * (1 - fraction) / fraction : 0;
    std::fprintf(stderr, "\rxtractr: indexing %s: %lld frames (%.0f%%), %.0f frames/s, %d:%02d left\033[K",
                 capture_.c_str(), (long long)frames, 100 * fraction, seconds > 0 ? double(frames) / seconds : 0,
                 int(left) / 60, int(left) % 60);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::string capture_;
  int64_t size_;
  bool enabled_, shown_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// Reads report lines until the indexer closes its end, probing the connection in between.
Report follow(int fd, const std::string &capture, int64_t size) {
  Report report;
  Progress progress(capture, size);
  std::string pending;
  char buffer[4096];
  const std::string stopped = "indexing '" + capture + "' was interrupted; nothing was kept";
  while (true) {
    struct pollfd p {
      fd, POLLIN, 0
    };
    int ready = poll(&p, 1, 250);
    if (ready > 0) {
      ssize_t n = read(fd, buffer, sizeof buffer);
      if (n == 0) break;
      if (n < 0 && errno != EINTR && errno != EAGAIN) break;
      if (n > 0) pending.append(buffer, size_t(n));
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1))
        report.line(pending.substr(0, nl));
      progress.show(report.frame, report.offset);
    }
    check_stop_requested(stopped);  // throws Interrupted: the Child's destructor kills the indexer
  }
  return report;
}

const char *signal_name(int signal) {
  const char *name = strsignal(signal);
  return name ? name : "unknown signal";
}

// The error for an indexer that did not say `done`.
[[noreturn]] void fail(const std::string &capture, const Report &report, int status) {
  const std::string at = report.frame > 0 ? " at frame " + std::to_string(report.frame) : "";
  if (!report.error_kind.empty()) {
    if (report.error_kind == "open") throw CaptureOpenError(report.error);
    if (report.error_kind == "user") throw UserError(report.error);
    if (report.error_kind == "memory")
      throw IndexBuildFailed("indexing '" + capture + "' ran out of memory" + at + "; nothing was kept");
    throw IndexBuildFailed("indexing '" + capture + "' failed" + at + ": " + report.error + "; nothing was kept");
  }
  if (WIFSIGNALED(status)) {
    int signal = WTERMSIG(status);
    std::string why =
        "the indexing process was killed by signal " + std::to_string(signal) + " (" + signal_name(signal) + ")";
    if (report.crash_signal) why = "the indexing process crashed (" + std::string(signal_name(signal)) + ")";
    if (report.said.find("failed to allocate") != std::string::npos)
      why += ": out of memory";
    else if (signal == SIGKILL)
      why += ", perhaps for lack of memory";
    else if (!report.said.empty())
      why += ": " + report.said;
    throw IndexBuildFailed("indexing '" + capture + "' failed" + at + ": " + why + "; nothing was kept");
  }
  throw IndexBuildFailed("indexing '" + capture + "' failed" + at + ": the indexing process exited with status " +
                         std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "; nothing was kept");
}

}  // namespace

IndexSummary build_in_indexer(const std::string &capture, const std::string &directory,
                              const std::vector<std::string> &environment) {
  auto started = std::chrono::steady_clock::now();
  const std::string program = indexer_path();
  if (access(program.c_str(), X_OK) != 0)
    throw IndexBuildFailed("cannot index '" + capture + "': the indexer '" + program +
                           "' is missing (it is installed beside xtractr.so; XTRACTR_INDEXER names another)");
  DebugPhase phase("build", capture);
  Pipe pipe;
  Child child(spawn_indexer(program, capture, directory, pipe.write, environment));
  phase.note("indexer pid " + std::to_string(child.pid()));
  pipe.close_write();  // EOF when the indexer exits, whatever the way
  struct stat st {};
  Report report = follow(pipe.read, capture, stat(capture.c_str(), &st) == 0 ? int64_t(st.st_size) : 0);
  int status = child.wait();
  if (!report.done || !WIFEXITED(status) || WEXITSTATUS(status) != 0) fail(capture, report, status);
  IndexSummary summary;
  summary.capture = capture;
  summary.directory = directory;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace xtractr
