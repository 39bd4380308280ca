/*
** credentials_table.cc — xtractr_credentials(capture): who logged in to what.
**
** Usage:
**
**   SELECT * FROM xtractr_credentials('day1.pcapng');
**   SELECT protocol, username, count(*) FROM xtractr_credentials('day1.pcapng') GROUP BY 1, 2;
**
** Columns: packet (where the credential completed, e.g. the PASS), flow, protocol (FTP, HTTP,
** POP, IMAP, SMTP, NTLMSSP …), username, password (the password field's value where the
** protocol sends it in clear, else NULL), info (Wireshark's note, e.g. "Username in packet: 6"),
** username_packet.
**
** How it works: the index says which flows carry login protocols (packets.service, or a
** well-known login port); only those are re-dissected, with libwireshark's "credentials" tap
** (credential_collector.h) — the rows `tshark -z credentials` prints.
*/
#include <algorithm>
#include <map>
#include <mutex>

#include "core/sql_error.h"
#include "dissect/extract/credential_collector.h"
#include "dissect/wireshark_runtime.h"
#include "extract/extract_source.h"
#include "extract/extract_table.h"

namespace xtractr {

namespace {

enum CredentialColumn {
  CRED_PACKET,
  CRED_FLOW,
  CRED_PROTOCOL,
  CRED_USERNAME,
  CRED_PASSWORD,
  CRED_INFO,
  CRED_USERNAME_PACKET,
  CRED_COLUMNS
};
const char kSchema[] =
    "CREATE TABLE x(packet INTEGER, flow INTEGER, protocol TEXT, username TEXT, password TEXT, info TEXT,"
    " username_packet INTEGER, capture HIDDEN)";

const std::vector<std::string> kLoginServices = {
    "FTP",   "HTTP",  "POP",   "IMAP",   "SMTP",   "IMF", "SMB", "SMB2",  "NBSS", "NTLMSSP", "DCERPC", "KRB5", "LDAP",
    "CLDAP", "PGSQL", "MySQL", "TELNET", "RADIUS", "SIP", "TDS", "Socks", "IRC",  "HTTP2",   "RTSP",   "VNC",  "SNMP"};
const std::vector<int> kLoginPorts = {21, 23, 25, 80, 88, 110, 139, 143, 389, 445, 587, 3128, 3306, 5432, 8000, 8080};

void produce_credentials(sqlite3 *, sqlite3_value **args, std::vector<ExtractRow> &rows) {
  std::optional<std::string> capture = text_argument(args[0]);
  if (!capture) throw UserError("xtractr: xtractr_credentials(): the capture is NULL");
  ExtractSource source(*capture);
  ensure_wireshark();
  std::lock_guard<std::recursive_mutex> lock(dissection_mutex());
  for (size_t m = 0; m < source.collection().members.size(); ++m) {
    const CollectionMember &member = source.member(m);
    std::vector<int64_t> flows = source.flows_with_services(m, kLoginServices);
    for (int64_t f : source.flows_with_ports(m, kLoginPorts)) flows.push_back(f);
    std::sort(flows.begin(), flows.end());
    flows.erase(std::unique(flows.begin(), flows.end()), flows.end());
    if (flows.empty()) continue;
    std::vector<FrameRef> frames;
    std::map<uint32_t, int64_t> flow_of;
    for (const IndexedPacket &p : source.flow_packets(m, flows)) {
      frames.push_back(FrameRef{p.number, p.offset});
      flow_of[p.number] = p.flow;
    }
    for (const Credential &c : collect_credentials(source.reader(m), frames)) {
      auto f = flow_of.find(c.packet);
      ExtractRow row(CRED_COLUMNS);
      row[CRED_PACKET] = ExtractValue::of(member.id_base + c.packet);
      row[CRED_FLOW] = f == flow_of.end() ? ExtractValue::null() : ExtractValue::of(member.flow_base + f->second);
      row[CRED_PROTOCOL] = ExtractValue::text(c.protocol);
      row[CRED_USERNAME] = ExtractValue::text(c.username);
      row[CRED_PASSWORD] = c.has_password ? ExtractValue::text(c.password) : ExtractValue::null();
      row[CRED_INFO] = c.info.empty() ? ExtractValue::null() : ExtractValue::text(c.info);
      row[CRED_USERNAME_PACKET] =
          c.username_packet ? ExtractValue::of(member.id_base + c.username_packet) : ExtractValue::null();
      rows.push_back(std::move(row));
    }
  }
}

}  // namespace

const ExtractTableSpec credentials_table_spec = {
    "xtractr_credentials",
    kSchema,
    CRED_COLUMNS,
    1,
    1,
    produce_credentials,
    {"xtractr_credentials(capture)", "user names and passwords of FTP, HTTP, POP, IMAP, SMTP, NTLMSSP ... logins",
     "SELECT protocol, username, password FROM xtractr_credentials('examples/wikipedia_browse.pcap')"}};

}  // namespace xtractr
