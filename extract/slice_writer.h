// slice_writer.h — the aggregate behind xtractr_write_pcap and xtractr_write_flows.
//
// How it works: step() collects the ids of the rows (and the path, capture and option of
// the first row); final() maps them to frames through the index (frame ids directly, or every
// frame of each flow), sorts them into capture order (file by file in a collection, frame
// number within a file), drops duplicates and unknown ids, and writes them with
// CaptureWriter. The result is the number of frames written.
#pragma once

#include "core/sqlite_api.h"

namespace xtractr {

enum class SliceIds { Packets, Flows };

void slice_step(sqlite3_context *ctx, int argc, sqlite3_value **argv, const char *function);
void slice_final(sqlite3_context *ctx, SliceIds ids, const char *function);

}  // namespace xtractr
