// community_id.h — Community ID v1 flow hashes (https://github.com/corelight/community-id-spec).
#pragma once

#include <string>

namespace xtractr {

// "1:<base64 sha1>" for an IP flow, or "" when the addresses do not parse.
// ICMP/ICMPv6 flows pass the type and code of the client's first message as ports.
std::string community_id(const std::string &src, const std::string &dst, int proto, unsigned sport, unsigned dport,
                         bool has_ports, unsigned seed = 0);

}  // namespace xtractr
