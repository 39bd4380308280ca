// capture_writer.cc — see capture_writer.h.
#include "dissect/extract/capture_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "dissect/wiretap_file.h"

namespace xtractr {

namespace {

bool ends_with(const std::string &s, const char *suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string lower(std::string s) {
  for (char &c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

CaptureWriter::CaptureWriter(const std::string &path, bool overwrite) : path_(path), overwrite_(overwrite) {
  std::string name = lower(path);
  compressed_ = ends_with(name, ".gz");
  if (compressed_) name.resize(name.size() - 3);
  if (ends_with(name, ".pcapng") || ends_with(name, ".ntar"))
    pcapng_ = true;
  else if (ends_with(name, ".pcap") || ends_with(name, ".cap") || ends_with(name, ".dmp"))
    pcapng_ = false;
  else
    throw std::runtime_error("cannot write '" + path + "': name it .pcapng or .pcap (optionally .gz)");
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw std::runtime_error("cannot write '" + path + "': it is a directory");
    if (!overwrite) throw std::runtime_error("'" + path + "' already exists (pass 'overwrite' to replace it)");
  }
  temporary_ = path + ".tmp-XXXXXX";
  int fd = mkstemp(temporary_.data());
  if (fd < 0) {
    int e = errno;
    temporary_.clear();
    throw std::runtime_error("cannot write '" + path + "': " + std::strerror(e));
  }
  close(fd);
}

CaptureWriter::~CaptureWriter() {
  if (dumper_) {
    int err = 0;
    gchar *err_info = nullptr;
    wtap_dump_close(dumper_, nullptr, &err, &err_info);
    g_free(err_info);
  }
  if (!finished_ && !temporary_.empty()) unlink(temporary_.c_str());
}

void CaptureWriter::fail(const std::string &what, int err, char *err_info) {
  throw std::runtime_error("cannot write '" + path_ + "': " + what + ": " + wiretap_error(err, err_info));
}

void CaptureWriter::open(RandomReader &first) {
  if (dumper_) return;
  if (pcapng_) first.load_all_interfaces();
  wtap_dump_params params = WTAP_DUMP_PARAMS_INIT;
  wtap_dump_params_init(&params, first.handle());
  int type = wtap_pcapng_file_type_subtype();
  if (!pcapng_) {
    encap_ = params.encap;
    if (encap_ == WTAP_ENCAP_PER_PACKET) encap_ = first.record().rec_header.packet_header.pkt_encap;
    params.encap = encap_;
    type = params.tsprec == WTAP_TSPREC_USEC || params.tsprec == WTAP_TSPREC_SEC || params.tsprec == WTAP_TSPREC_DSEC ||
                   params.tsprec == WTAP_TSPREC_CSEC || params.tsprec == WTAP_TSPREC_MSEC
               ? wtap_pcap_file_type_subtype()
               : wtap_pcap_nsec_file_type_subtype();
    if (!wtap_dump_can_write_encap(type, encap_)) {
      wtap_dump_params_cleanup(&params);
      throw std::runtime_error("cannot write '" + path_ + "': pcap cannot hold link type " +
                               std::string(wtap_encap_name(encap_)) + "; name it .pcapng");
    }
  }
  int err = 0;
  gchar *err_info = nullptr;
  dumper_ = wtap_dump_open(temporary_.c_str(), type, compressed_ ? WTAP_GZIP_COMPRESSED : WTAP_UNCOMPRESSED, &params,
                           &err, &err_info);
  interfaces_ = params.idb_inf ? params.idb_inf->interface_data->len : 1;
  wtap_dump_params_cleanup(&params);
  if (!dumper_) fail("cannot create the file", err, err_info);
  interface_base_[&first] = 0;
}

void CaptureWriter::add(RandomReader &reader, int64_t offset) {
  if (!reader.read(offset)) throw std::runtime_error("cannot read capture '" + reader.path() + "': " + reader.error());
  if (!dumper_) open(reader);
  auto base = interface_base_.find(&reader);
  if (base == interface_base_.end()) {
    // another input file: pcapng gets its interfaces appended, pcap needs the same link type
    if (pcapng_) {
      reader.load_all_interfaces();
      // the reader's own interface list: g_free the struct only (wtap_free_idb_info would free
      // the reader's blocks, which wtap_close frees again)
      wtapng_iface_descriptions_t *idbs = wtap_file_get_idb_info(reader.handle());
      uint32_t first_new = interfaces_;
      for (guint i = 0; i < idbs->interface_data->len; ++i) {
        int err = 0;
        gchar *err_info = nullptr;
        if (!wtap_dump_add_idb(dumper_, g_array_index(idbs->interface_data, wtap_block_t, i), &err, &err_info)) {
          g_free(idbs);
          fail("cannot add the interfaces of '" + reader.path() + "'", err, err_info);
        }
        ++interfaces_;
      }
      g_free(idbs);
      base = interface_base_.emplace(&reader, first_new).first;
    } else {
      base = interface_base_.emplace(&reader, 0).first;
    }
  }
  wtap_rec &rec = reader.record();
  if (rec.rec_type == REC_TYPE_PACKET) {
    if (!pcapng_ && rec.rec_header.packet_header.pkt_encap != encap_)
      throw std::runtime_error("cannot write '" + path_ + "': the frames have several link types (" +
                               wtap_encap_name(encap_) + ", " +
                               wtap_encap_name(rec.rec_header.packet_header.pkt_encap) + "); name it .pcapng");
    if (pcapng_ && base->second) {
      // a pcap reader never sets interface_id (a stale value stays in the record): it is
      // the record's own only when the reader says so
      uint32_t own = (rec.presence_flags & WTAP_HAS_INTERFACE_ID) ? rec.rec_header.packet_header.interface_id : 0;
      rec.rec_header.packet_header.interface_id = own + base->second;
      rec.presence_flags |= WTAP_HAS_INTERFACE_ID;
    }
  }
  int err = 0;
  gchar *err_info = nullptr;
  if (!wtap_dump(dumper_, &rec, reader.data(), &err, &err_info))
    fail("frame at offset " + std::to_string(offset), err, err_info);
  ++written_;
}

int64_t CaptureWriter::finish() {
  if (!dumper_) throw std::runtime_error("cannot write '" + path_ + "': no frames");
  int err = 0;
  gchar *err_info = nullptr;
  wtap_dumper *dumper = dumper_;
  dumper_ = nullptr;
  if (!wtap_dump_close(dumper, nullptr, &err, &err_info)) fail("cannot complete the file", err, err_info);
  chmod(
      temporary_.c_str(), 0644 & ~[] {
        mode_t m = umask(0);
        umask(m);
        return m;
      }());
  if (overwrite_) {
    if (rename(temporary_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error("cannot write '" + path_ + "': " + std::strerror(errno));
  } else {
    // link() never replaces: a file created meanwhile is not overwritten
    if (link(temporary_.c_str(), path_.c_str()) != 0) {
      int e = errno;
      throw std::runtime_error(e == EEXIST ? "'" + path_ + "' already exists (pass 'overwrite' to replace it)"
                                           : "cannot write '" + path_ + "': " + std::strerror(e));
    }
    unlink(temporary_.c_str());
  }
  finished_ = true;
  return written_;
}

}  // namespace xtractr
