// v8_platform.cc — see v8_platform.h.
#include "udf/v8_platform.h"

#include <libplatform/libplatform.h>
#include <v8.h>

#include <memory>
#include <mutex>

namespace xtractr {

void ensure_v8() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Leaked on purpose: V8 cannot be initialised twice in a process, so it is never torn down.
    v8::Platform *platform = v8::platform::NewDefaultPlatform(2).release();
    v8::V8::InitializePlatform(platform);
    v8::V8::Initialize();
  });
}

}  // namespace xtractr
