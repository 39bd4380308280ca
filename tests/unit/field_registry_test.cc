// field_registry_test.cc — field facts from libwireshark and as a merging process learns them
// from its workers' announcements (dissect/field_registry.h). Each TEST_CASE runs in its own
// process (catch_discover_tests), so "libwireshark not started" holds where a case needs it.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "dissect/field_registry.h"
#include "dissect/wireshark_runtime.h"

using namespace xtractr;

namespace {

// The names the merging process looks up by name alone, before any announcement
// (index/partitioned_build.cc CounterRenumbering and AnnouncedCheck, index/payload_grams.cc).
const char *const kLookedUpByName[] = {"tcp.stream",
                                       "udp.stream",
                                       "dccp.stream",
                                       "bt-utp.stream",
                                       "quic.connection.number",
                                       "sdp.connection_info.address",
                                       "quic.dcid",
                                       "quic.scid",
                                       "smb2.sesid",
                                       "ftp.passive.ip",
                                       "ftp.active.cip",
                                       "ftp.eprt.ip",
                                       "ftp.eprt.ipv6",
                                       "ftp.epsv.ip",
                                       "ftp.epsv.ipv6",
                                       "tcp.payload",
                                       "tcp.segment_data",
                                       "tcp.seq_raw",
                                       "udp.payload"};

// A few fields of every value kind, with and without a protocol above them.
const char *const kSamples[] = {"ip.src",
                                "tcp.stream",
                                "tcp.flags.syn",
                                "frame.time_delta",
                                "http.request.uri",
                                "tcp.payload",
                                "eth.src",
                                "dns.qry.name",
                                "tcp",
                                "data",
                                "frame.comment",
                                "ipv6.addr",
                                "snmp.name",
                                "tls.handshake.random"};

}  // namespace

TEST_CASE("a name looked up alone names one field in libwireshark", "[field_registry]") {
  // An announced table binds a name looked up alone to the first type announced for it: the
  // same field as libwireshark's lookup only when the name has a single type.
  ensure_wireshark();
  for (const char *name : kLookedUpByName) {
    INFO(name);
    const int id = field_id(name);
    REQUIRE(id >= 0);
    CHECK(field_id(FieldIdentity{name, field_facts(id).identity.type}) == id);
    int types = 0;
    for (int t = 0; t < 64; ++t) types += field_id(FieldIdentity{name, t}) >= 0;
    CHECK(types == 1);
  }
}

TEST_CASE("announced facts answer as libwireshark does, under ids of their own", "[field_registry]") {
  ensure_wireshark();
  std::vector<FieldFacts> live;
  for (const char *name : kSamples) live.push_back(field_facts(field_id(name)));
  AnnouncedFields scope;
  const int stream = field_id("tcp.stream");  // looked up before any announcement: reserved
  std::vector<int> ours;
  for (const FieldFacts &facts : live) ours.push_back(announced_field_id(facts));
  for (size_t i = 0; i < live.size(); ++i) {
    INFO(live[i].identity.name);
    CHECK(announced_field_id(live[i]) == ours[i]);  // the same field again: the same id
    CHECK(field_name(ours[i]) == live[i].identity.name);
    CHECK(field_facts(ours[i]).identity.type == live[i].identity.type);
    CHECK(field_kind(ours[i]) == live[i].kind);
    CHECK(field_facts(ours[i]).parent == live[i].parent);
    if (!live[i].parent.empty()) CHECK(field_name(field_id(live[i].parent)) == live[i].parent);
    CHECK(field_id(FieldIdentity{live[i].identity.name, live[i].identity.type}) == ours[i]);
  }
  CHECK(field_id("tcp.stream") == stream);
  CHECK(ours[1] == stream);  // the announcement took the reserved id
  CHECK(field_id(FieldIdentity{"ip.src", 9999}) == -1);
  CHECK(field_name(12345) == "");
  CHECK_THROWS_AS(AnnouncedFields(), std::logic_error);  // one at a time
}

TEST_CASE("a merging process does not start libwireshark", "[field_registry]") {
  AnnouncedFields scope;
  CHECK_THROWS_AS(ensure_wireshark(), std::logic_error);
  ensure_wiretap();  // reading captures is fine
  const int id = announced_field_id(FieldFacts{FieldIdentity{"tcp.port", 5}, ValueKind::Integer, "tcp"});
  CHECK(field_name(id) == "tcp.port");
  CHECK(field_kind(id) == ValueKind::Integer);
  CHECK(field_facts(id).parent == "tcp");
  CHECK(field_facts(field_id("tcp")).identity.type == 1);  // the parent, kept as an FT_PROTOCOL entry
}
