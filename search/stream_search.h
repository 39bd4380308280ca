// stream_search.h — the query language's `stream:"needle"`: the TCP and UDP flows one of whose
// directions, reassembled, holds the needle's bytes — also where it straddles two segments,
// which `frame contains` (one frame's bytes) cannot see; and the stream half of its bare words:
// the frames that carry an occurrence of the word in their TCP or UDP stream.
//
// Usage (SQL):
//   SELECT xtractr_config('payload_index', 1);   -- else every TCP/UDP flow is reassembled
//   SELECT id, src, dst, service FROM flows('day1.pcap', 'stream:"Authorization: Basic"');
//   SELECT id FROM packets('day1.pcap', 'stream:"PASS hunter2" tcp.flags.syn:1');  -- their frames
//   SELECT id FROM packets('day1.pcap', 'password');   -- fields' words, or stream bytes in any case
//
// How it works: the needle is compared as bytes (case-sensitive, as written: the quoted value
// with the query language's backslash escapes removed). The payload index (payload_grams.h)
// names the flow directions whose trigrams, including those across segment boundaries, can hold
// it; without one (or for a needle under 3 bytes) every TCP/UDP flow is a candidate. Each
// candidate flow is reassembled as xtractr_stream does (Wireshark's follow tap, in a child
// process: stream_follower.h) and searched in each direction, never across a gap the capture
// misses. A tunnel's own flow is searched in the bytes of its own frames only.
// A bare word is searched the same way, but only with the payload index and for 3 bytes or more
// (else nullopt: the caller answers from the fields' words alone), in any ASCII case, and at
// word boundaries: where the word begins (ends) with a letter or digit, the byte before (after)
// it in the run is not one (split_words' notion of a word). Its frames are those whose chunks of
// the followed stream hold a byte of an occurrence: a word across two segments gives both.
#pragma once

#include <optional>
#include <string>

#include "search/id_set.h"

namespace xtractr {

class SearchIndex;

// The flows (local ids) of the index's capture whose stream holds `needle` in one direction.
IdSet flows_with_stream_bytes(SearchIndex &search, const std::string &needle);

// The frames (local ids) carrying `text` in their TCP/UDP stream, as a bare word of the query
// language (any case, at word boundaries); nullopt without a payload index or under 3 bytes.
std::optional<IdSet> frames_with_stream_words(SearchIndex &search, const std::string &text);

}  // namespace xtractr
