// watchdog.cc — see watchdog.h.
#include "udf/watchdog.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "udf/js_engine.h"

namespace xtractr {

namespace {

struct Watchdog {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<JsEngine *> engines;

  Watchdog() {
    // Detached and never joined: it lives as long as the process (the library is never unloaded).
    std::thread([this] { run(); }).detach();
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (unsigned tick = 0;; ++tick) {
      if (engines.empty())
        wake.wait(lock);
      else
        wake.wait_for(lock, std::chrono::milliseconds(5));
      for (JsEngine *engine : engines) {
        engine->check_deadline();
        if (tick % 20 == 0) engine->request_interrupt_check();  // every ~100 ms
      }
    }
  }
};

Watchdog &watchdog() {
  static Watchdog *instance = new Watchdog();  // never destroyed, like its thread
  return *instance;
}

}  // namespace

void watchdog_register(JsEngine *engine) {
  Watchdog &w = watchdog();
  std::lock_guard<std::mutex> lock(w.mutex);
  w.engines.push_back(engine);
  w.wake.notify_one();
}

void watchdog_unregister(JsEngine *engine) {
  Watchdog &w = watchdog();
  std::lock_guard<std::mutex> lock(w.mutex);
  w.engines.erase(std::remove(w.engines.begin(), w.engines.end(), engine), w.engines.end());
}

}  // namespace xtractr
