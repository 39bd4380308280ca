// isolated.cc — see isolated.h.
#include "dissect/extract/isolated.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>

#include "dissect/wireshark_runtime.h"

namespace xtractr {

namespace {

bool write_all(int fd, const char *data, size_t size) {
  while (size) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= size_t(n);
  }
  return true;
}

// What the child sends: one status byte ('R' result, 'E' error message), then the bytes.
[[noreturn]] void child(int fd, const std::function<std::string()> &work) {
  // The parent's thread holds dissection_mutex() across fork(); this process has one thread,
  // a copy of that mutex still owned by a thread that does not exist here. Start it afresh.
  new (&dissection_mutex()) std::recursive_mutex();
  char status = 'R';
  std::string out;
  try {
    out = work();
  } catch (const std::exception &e) {
    status = 'E';
    out = e.what();
  } catch (...) {
    status = 'E';
    out = "internal error";
  }
  bool ok = write_all(fd, &status, 1) && write_all(fd, out.data(), out.size());
  _exit(ok ? 0 : 1);
}

}  // namespace

std::string run_isolated(const std::function<std::string()> &work) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(std::string("cannot start the re-dissection process: ") + std::strerror(e));
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], work);
  }
  close(fds[1]);
  std::string received;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    received.append(buffer, size_t(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    throw std::runtime_error(std::string("the re-dissection process died (") + strsignal(WTERMSIG(status)) + ")");
  if (received.empty() || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("the re-dissection process failed");
  if (received[0] == 'E') throw std::runtime_error(received.substr(1));
  return received.substr(1);
}

}  // namespace xtractr
