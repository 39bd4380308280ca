// ftp_data.h — FTP-DATA transfers rebuilt from an FTP control connection and the data
// connections' bytes (tshark 4.0 cannot export FTP-DATA objects).
//
// Usage (C++; extract/objects_table.cc feeds it from the index):
//   FtpControlReader control;
//   for (each FTP frame, in frame order) control.add(FtpControlFrame{frame, flow, "RETR", "pub/a.txt", ...});
//   std::vector<FtpTransfer> transfers = control.transfers();         // in command order
//   std::vector<std::optional<size_t>> data = match_data_connections(transfers, tcp_flows);
//   std::optional<FtpFile> file = assemble_ftp_file(transfers[0], follow_result.chunks);
//
// How it works: a PASV/EPSV reply (227/229 with a port) or a PORT/EPRT request on a control
// connection announces the port of the next data connection; the next RETR/STOR/STOU/APPE on
// that connection uses it (one data connection per announcement). Each transfer takes the
// first unused TCP connection to that port that starts after the announcement (passive: the
// client connects to the server's port; active: the server to the client's). The file is the
// direction of the data connection that carried more bytes; the capture's gaps in it are
// counted in a note. Plain inputs only: no index, no SQLite, no libwireshark call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dissect/extract/stream_follower.h"

namespace xtractr {

// One frame of an FTP control connection: the first value of each ftp.* field, as stored.
struct FtpControlFrame {
  int64_t frame = 0;                    // packet id
  int64_t control = 0;                  // the control connection's flow id
  std::string command, argument;        // ftp.request.command, ftp.request.arg ("" when absent)
  std::optional<int64_t> code;          // ftp.response.code
  std::optional<int64_t> passive_port;  // ftp.passive.port (227 reply)
  std::optional<int64_t> epsv_port;     // ftp.epsv.port (229 reply)
  std::optional<int64_t> active_port;   // ftp.active.port (PORT)
  std::optional<int64_t> eprt_port;     // ftp.eprt.port (EPRT)
};

// A file transfer command and the data connection it announced.
struct FtpTransfer {
  int64_t command_frame;  // the RETR/STOR/STOU/APPE frame
  std::string command, argument;
  int64_t port;         // the data connection's listening port
  int64_t setup_frame;  // the frame that announced it (PASV/EPSV reply, PORT/EPRT request)
};

// Follows the control connections' announcements and commands, frame by frame.
class FtpControlReader {
 public:
  void add(const FtpControlFrame &frame);      // frames of one connection in frame order
  std::vector<FtpTransfer> transfers() const;  // every transfer seen, by command frame

 private:
  struct Setup {
    bool have = false;
    int64_t port = 0, frame = 0;
  };
  std::map<int64_t, Setup> setups_;  // by control connection
  std::vector<FtpTransfer> transfers_;
};

// A TCP connection that may be a data connection.
struct TcpConnection {
  int64_t id;     // flow id
  int64_t dport;  // the port the initiator connected to
  int64_t first;  // its first packet id
};

// For each transfer (in command order), the index in `connections` (ordered by first packet)
// of its data connection, or nullopt; a connection serves one transfer at most.
std::vector<std::optional<size_t>> match_data_connections(const std::vector<FtpTransfer> &transfers,
                                                          const std::vector<TcpConnection> &connections);

struct FtpFile {
  std::string filename;      // the argument's last path component, made safe (safe_object_name)
  std::string data;          // the bytes of the direction that carried more
  std::string note;          // "incomplete: N bytes missing from the capture", else empty
  uint32_t last_packet = 0;  // the frame (in its capture) of the last data chunk; 0: none
};

// The file a transfer moved over its data connection's followed stream; nullopt when nothing
// crossed (a refused transfer).
std::optional<FtpFile> assemble_ftp_file(const FtpTransfer &transfer, const std::vector<StreamChunk> &chunks);

}  // namespace xtractr
