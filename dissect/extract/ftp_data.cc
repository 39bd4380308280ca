// ftp_data.cc — see ftp_data.h.
#include "dissect/extract/ftp_data.h"

#include <algorithm>
#include <cctype>

#include "dissect/extract/object_collector.h"

namespace xtractr {

void FtpControlReader::add(const FtpControlFrame &f) {
  std::string command = f.command;
  for (char &c : command) c = char(std::toupper(static_cast<unsigned char>(c)));
  const std::optional<int64_t> passive = f.passive_port ? f.passive_port : f.epsv_port;
  const std::optional<int64_t> active = f.active_port ? f.active_port : f.eprt_port;
  Setup &setup = setups_[f.control];
  if ((f.code == 227 || f.code == 229) && passive) {
    setup = Setup{true, *passive, f.frame};
  } else if ((command == "PORT" || command == "EPRT") && active) {
    setup = Setup{true, *active, f.frame};
  } else if (setup.have && (command == "RETR" || command == "STOR" || command == "STOU" || command == "APPE")) {
    transfers_.push_back(FtpTransfer{f.frame, command, f.argument, setup.port, setup.frame});
    setup.have = false;  // one data connection per PASV/PORT
  }
}

std::vector<FtpTransfer> FtpControlReader::transfers() const {
  std::vector<FtpTransfer> out = transfers_;
  // control connections are read one after another: put the commands back in capture order
  std::sort(out.begin(), out.end(),
            [](const FtpTransfer &a, const FtpTransfer &b) { return a.command_frame < b.command_frame; });
  return out;
}

std::vector<std::optional<size_t>> match_data_connections(const std::vector<FtpTransfer> &transfers,
                                                          const std::vector<TcpConnection> &connections) {
  std::vector<bool> used(connections.size(), false);
  std::vector<std::optional<size_t>> out;
  for (const FtpTransfer &t : transfers) {
    std::optional<size_t> chosen;
    for (size_t i = 0; i < connections.size() && !chosen; ++i)
      if (!used[i] && connections[i].first > t.setup_frame && connections[i].dport == t.port) chosen = i;
    if (chosen) used[*chosen] = true;
    out.push_back(chosen);
  }
  return out;
}

std::optional<FtpFile> assemble_ftp_file(const FtpTransfer &transfer, const std::vector<StreamChunk> &chunks) {
  std::string sent[2];
  int64_t missing[2] = {0, 0};
  uint32_t last_packet[2] = {0, 0};
  for (const StreamChunk &c : chunks) {
    sent[c.from_server] += c.data;
    missing[c.from_server] += c.gap;
    if (!c.data.empty()) last_packet[c.from_server] = std::max(last_packet[c.from_server], c.packet);
  }
  // the file goes one way; the other carries nothing (or stray bytes)
  const int side = sent[1].size() > sent[0].size() ? 1 : 0;
  if (sent[side].empty() && !missing[side]) return std::nullopt;
  FtpFile file;
  if (missing[side]) file.note = "incomplete: " + std::to_string(missing[side]) + " bytes missing from the capture";
  ExtractedObject named;
  named.filename = transfer.argument;
  const size_t slash = named.filename.find_last_of('/');
  if (slash != std::string::npos && slash + 1 < named.filename.size())
    named.filename = named.filename.substr(slash + 1);
  file.filename = safe_object_name(named);
  file.data = std::move(sent[side]);
  file.last_packet = last_packet[side];
  return file;
}

}  // namespace xtractr
