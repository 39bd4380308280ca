// watchdog.h — one process-wide thread that stops JavaScript running past its deadline.
//
// How it works: engines register while they exist; every 5 ms (only while some engine is
// registered) the thread asks each one to check its deadline (JsEngine::check_deadline,
// which calls Isolate::TerminateExecution — safe from any thread), and every ~100 ms to have
// its running call look whether its connection was interrupted
// (JsEngine::request_interrupt_check: Isolate::RequestInterrupt, whose callback runs on the
// calling thread). sqlite3_interrupt() thus stops JavaScript within ~0.1 s.
#pragma once

namespace xtractr {

class JsEngine;

void watchdog_register(JsEngine *engine);
void watchdog_unregister(JsEngine *engine);

}  // namespace xtractr
