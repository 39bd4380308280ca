// slice_writer.h — the aggregate behind xtractr_write_pcap and xtractr_write_flows.
//
// Every argument is read from its own row, as SQLite's aggregates do: each row's id is an id
// of that row's capture, so rows of different captures (a UNION, a join) go into one file.
// The path and the 'overwrite' option name the one file a call writes: a change between rows
// is an error (GROUP BY the path to write several files). A NULL, non-integer or unknown id is
// an error naming the id and its capture, and nothing is written.
//
// How it works: step() checks each row and collects its id under its capture argument;
// final() maps the ids to frames through each capture's index (frame ids directly, or every
// frame of each flow), sorts them into capture order (file by file, by the files' absolute
// paths — a collection's own order — and frame number within a file), drops duplicates (also
// of a file named through two arguments), and writes them with CaptureWriter, which renames
// the file into place only when it is complete. The result is the number of frames written.
// A refused row marks the state failed, so the final() SQLite still calls writes nothing.
#pragma once

#include "core/sqlite_api.h"

namespace xtractr {

enum class SliceIds { Packets, Flows };

void slice_step(sqlite3_context *ctx, int argc, sqlite3_value **argv, SliceIds ids, const char *function);
void slice_final(sqlite3_context *ctx, SliceIds ids, const char *function);

}  // namespace xtractr
