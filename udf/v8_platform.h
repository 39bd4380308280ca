// v8_platform.h — V8's process-wide platform, initialised once and never disposed.
//
// How it works: the first call creates libplatform's default platform (two worker threads)
// and initialises V8; the platform lives until the process exits (the extension is linked
// -z nodelete, so it is never unloaded under V8's feet).
#pragma once

namespace xtractr {

void ensure_v8();

}  // namespace xtractr
