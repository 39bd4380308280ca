// indexer_main.cc — xtractr-indexer: builds one capture's index, in its own process.
//
// Usage (started by the extension, build_process.h; by hand for debugging):
//
//   xtractr-indexer CAPTURE DIRECTORY [PARENT_PID]    # report lines on fd 3 (build_process.h)
//   xtractr-indexer --worker P N CAPTURE MAP [PARENT_PID]  # partition P of N: frames on fd 4
//
//   sqlite> SELECT xtractr_index('/cases/day1.pcapng');   -- the way users start it
//
// How it works: with PARENT_PID given, the indexer dies with its parent (PR_SET_PDEATHSIG), so a
// killed host leaves no indexer behind. It closes every descriptor it inherited but the report
// pipe, builds the index into DIRECTORY — with worker processes of this program, one per
// partition, when plan_partitions() says so (partitioned_build.h), else in one pass, and in
// one pass too when the capture cannot be partitioned — and reports progress, `done` or the
// error. A worker reports its own crash or error on the same pipe. A crash
// inside a dissector is reported with the frame being dissected (async-signal-safe writes
// only), then the signal kills the process as usual. XTRACTR_TEST_CRASH_AT_FRAME=N makes it
// crash at frame N: the tests' stand-in for a dissector bug.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "core/sql_error.h"
#include "dissect/capture_reader.h"
#include "index/build_process.h"
#include "index/capture_index.h"
#include "index/capture_settings.h"
#include "index/index_location.h"
#include "index/memory_limit.h"
#include "index/partitioned_build.h"

namespace xtractr {

void use_linked_sqlite();  // indexer_sqlite.cc

namespace {

volatile sig_atomic_t current_frame = 0;

// Appends the decimal digits of `n` to `out` (async-signal-safe).
char *append_number(char *out, unsigned long n) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = char('0' + n % 10);
    n /= 10;
  } while (n);
  while (count) *out++ = digits[--count];
  return out;
}

void on_crash(int signal) {
  char line[64] = "crash ";
  char *end = append_number(line + 6, (unsigned long)current_frame);
  *end++ = ' ';
  end = append_number(end, (unsigned long)signal);
  *end++ = '\n';
  ssize_t ignored = write(report::kFd, line, size_t(end - line));
  (void)ignored;
  std::signal(signal, SIG_DFL);
  raise(signal);
}

void report_line(const std::string &line) {
  std::string text = line;
  for (char &c : text)
    if (c == '\n') c = ' ';
  text += '\n';
  const char *p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = write(report::kFd, p, left);
    if (n <= 0) return;  // the host is gone: nothing to tell
    p += n;
    left -= size_t(n);
  }
}

// Notes the frame for the crash handler; reports progress (the coordinator, or a one-pass
// build), or crashes on XTRACTR_TEST_CRASH_AT_FRAME (whoever dissects: a worker, or a
// one-pass build).
class ReportProgress : public BuildObserver {
 public:
  ReportProgress(bool reports, bool dissects) : reports_(reports) {
    const char *crash = std::getenv("XTRACTR_TEST_CRASH_AT_FRAME");
    crash_at_ = crash && dissects ? std::strtoul(crash, nullptr, 10) : 0;
  }
  void frame(uint32_t number, int64_t offset) override {
    current_frame = sig_atomic_t(number);
    if (number == crash_at_) raise(SIGSEGV);
    if (!reports_ || (number & 255)) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    report_line(std::string(report::kProgress) + " " + std::to_string(number) + " " + std::to_string(offset));
  }

 private:
  bool reports_;
  unsigned long crash_at_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

// `last_fd`: the highest descriptor the process keeps (the report pipe; a worker's frames).
void prepare_process(const char *parent, unsigned last_fd) {
  if (parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != pid_t(std::atoll(parent))) _exit(1);  // the parent died before we got here
  }
  close_range(last_fd + 1, ~0U, 0);  // descriptors the host left open are not ours
  limit_indexer_memory();
  for (int s : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(s, on_crash);
}

// A worker failed and told the host why: end the same way, without a word of our own.
[[noreturn]] void fail_like(const WorkerFailed &failed) {
  if (WIFSIGNALED(failed.status)) {
    for (int s : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(s, SIG_DFL);
    raise(WTERMSIG(failed.status));
  }
  _exit(WIFEXITED(failed.status) && WEXITSTATUS(failed.status) != 0 ? WEXITSTATUS(failed.status) : 2);
}

void build(const std::string &capture, const std::string &directory) {
  const DissectionSettings settings = apply_environment_settings(capture);
  const PartitionPlan plan = plan_partitions(capture);
  // A Decode As rule or a preference can give a port to a signalling protocol the partition
  // planner (dissect/partition_key.h, by ports) does not know there: one pass. Key logs
  // only decrypt conversations, which stay in one partition.
  const bool settings_move_dissectors = !settings.prefs.empty() || !settings.decode_as.empty();
  if (plan.partitions > 1 && settings_move_dissectors)
    std::fprintf(stderr, "xtractr-indexer: indexing in one pass: Decode As rules or preferences are set\n");
  if (plan.partitions > 1 && !settings_move_dissectors) {
    ReportProgress progress(/*reports=*/true, /*dissects=*/false);
    try {
      build_partitioned(capture, directory, plan, &progress);
      return;
    } catch (const CannotPartition &why) {
      // said on stderr (the host keeps it only to explain a failure): why there was one pass
      std::fprintf(stderr, "xtractr-indexer: indexing in one pass: %s\n", why.what());
      remove_tree(directory);
    } catch (const WorkerFailed &failed) {
      fail_like(failed);
    }
  }
  ReportProgress progress(/*reports=*/true, /*dissects=*/true);
  build_index(capture, directory, &progress);
}

// Reports the exception being handled as an `error` line (build_process.h); the exit status.
int report_failure() {
  try {
    throw;
  } catch (const CaptureOpenError &e) {
    report_line(std::string(report::kError) + " open " + e.what());
  } catch (const UserError &e) {
    report_line(std::string(report::kError) + " user " + e.what());
  } catch (const std::bad_alloc &) {
    report_line(std::string(report::kError) + " memory out of memory");
  } catch (const std::exception &e) {
    report_line(std::string(report::kError) + " other " + e.what());
  } catch (...) {
    report_line(std::string(report::kError) + " other an unknown failure");
  }
  return 2;
}

int run(const std::string &capture, const std::string &directory) {
  try {
    use_linked_sqlite();
    build(capture, directory);
    report_line(report::kDone);
    return 0;
  } catch (...) {
    return report_failure();
  }
}

int run_worker(int partition, int partitions, const std::string &capture, const std::string &map) {
  try {
    // a spooling worker reports progress (the merge, which does, has not begun); a live one not
    struct stat out {};
    const bool spools = fstat(kWorkerFramesFd, &out) == 0 && S_ISREG(out.st_mode);
    ReportProgress progress(/*reports=*/spools, /*dissects=*/true);
    apply_environment_settings(capture);
    return run_partition_worker(capture, map, partition, partitions, kWorkerFramesFd, &progress);
  } catch (...) {
    return report_failure();
  }
}

}  // namespace
}  // namespace xtractr

int main(int argc, char **argv) {
  if (argc >= 6 && argc <= 7 && std::strcmp(argv[1], "--worker") == 0) {
    xtractr::prepare_process(argc == 7 ? argv[6] : nullptr, xtractr::kWorkerFramesFd);
    return xtractr::run_worker(std::atoi(argv[2]), std::atoi(argv[3]), argv[4], argv[5]);
  }
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr,
                 "usage: xtractr-indexer CAPTURE DIRECTORY [PARENT_PID]   (reports on fd 3)\n"
                 "       xtractr-indexer --worker PARTITION PARTITIONS CAPTURE MAP [PARENT_PID]   (frames on fd 4)\n");
    return 64;
  }
  xtractr::prepare_process(argc == 4 ? argv[3] : nullptr, xtractr::report::kFd);
  return xtractr::run(argv[1], argv[2]);
}
