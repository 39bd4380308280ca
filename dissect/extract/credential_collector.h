// credential_collector.h — user names and passwords seen in a set of frames, as
// `tshark -z credentials` finds them.
//
// Usage (C++): std::vector<Credential> found = collect_credentials(reader, frames);
//
// How it works: the frames are re-dissected in one ReplaySession (with a tree) with a
// listener on libwireshark's "credentials" tap, which the login protocols' dissectors feed
// (FTP USER/PASS, HTTP basic auth, POP, IMAP, SMTP AUTH, NTLMSSP …). Each tap record names the
// packet, the protocol, the user name, the frame the user name was in, and the header field
// that holds the password; the password is that field's value in the packet's tree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dissect/extract/random_reader.h"
#include "dissect/extract/stream_follower.h"

namespace xtractr {

struct Credential {
  uint32_t packet = 0;
  uint32_t username_packet = 0;  // 0 when the tap did not say
  std::string protocol, username, password, info;
  bool has_password = false;
};

std::vector<Credential> collect_credentials(RandomReader &reader, const std::vector<FrameRef> &frames);

}  // namespace xtractr
