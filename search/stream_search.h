// stream_search.h — the query language's `stream:"needle"`: the TCP and UDP flows one of whose
// directions, reassembled, holds the needle's bytes — also where it straddles two segments,
// which `frame contains` (one frame's bytes) cannot see.
//
// Usage (SQL):
//   SELECT xtractr_config('payload_index', 1);   -- else every TCP/UDP flow is reassembled
//   SELECT id, src, dst, service FROM flows('day1.pcap', 'stream:"Authorization: Basic"');
//   SELECT id FROM packets('day1.pcap', 'stream:"PASS hunter2" tcp.flags.syn:1');  -- their frames
//
// How it works: the needle is compared as bytes (case-sensitive, as written: the quoted value
// with the query language's backslash escapes removed). The payload index (payload_grams.h)
// names the flow directions whose trigrams, including those across segment boundaries, can hold
// it; without one (or for a needle under 3 bytes) every TCP/UDP flow is a candidate. Each
// candidate flow is reassembled as xtractr_stream does (Wireshark's follow tap, in a child
// process: stream_follower.h) and searched in each direction, never across a gap the capture
// misses. A tunnel's own flow is searched in the bytes of its own frames only.
#pragma once

#include <string>

#include "search/id_set.h"

namespace xtractr {

class SearchIndex;

// The flows (local ids) of the index's capture whose stream holds `needle` in one direction.
IdSet flows_with_stream_bytes(SearchIndex &search, const std::string &needle);

}  // namespace xtractr
