// v8_platform.cc — see v8_platform.h.
#include "udf/v8_platform.h"

#include "core/debug_log.h"

#include <libplatform/libplatform.h>
#include <v8.h>

#include <memory>
#include <mutex>

namespace xtractr {

void ensure_v8() {
  static std::once_flag once;
  std::call_once(once, [] {
    DebugPhase phase("V8 init");
    // Leaked on purpose: V8 cannot be initialised twice in a process, so it is never torn down.
    v8::Platform *platform = v8::platform::NewDefaultPlatform(2).release();
    // No WebAssembly in our contexts (js_engine.h): not installing it makes each statement's
    // fresh context ~15% cheaper than deleting it afterwards.
    v8::V8::SetFlagsFromString("--no-expose-wasm");
    v8::V8::InitializePlatform(platform);
    v8::V8::Initialize();
  });
}

}  // namespace xtractr
