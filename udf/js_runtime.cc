// js_runtime.cc — see js_runtime.h.
#include "udf/js_runtime.h"

namespace xtractr {

std::shared_ptr<JsEngine> JsRuntime::engine() {
  if (!engine_) engine_ = std::make_shared<JsEngine>(db_, heap_mb_, timeout_ms_);
  return engine_;
}

void JsRuntime::set_timeout_ms(int64_t ms) {
  if (ms < 1 || ms > 24 * 3600 * 1000)
    throw UserError("js_config('timeout_ms', N): N must be between 1 and 86400000 milliseconds");
  timeout_ms_ = ms;
  if (engine_) engine_->set_timeout_ms(ms);
}

void JsRuntime::set_heap_mb(int64_t mb) {
  if (mb < 16 || mb > 65536) throw UserError("js_config('heap_mb', N): N must be between 16 and 65536 megabytes");
  if (mb != heap_mb_) engine_.reset();
  heap_mb_ = mb;
}

}  // namespace xtractr
