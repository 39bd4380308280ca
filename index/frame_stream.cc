// frame_stream.cc — see frame_stream.h.
#include "index/frame_stream.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "dissect/field_registry.h"
#include "index/varint.h"

namespace xtractr {

namespace {

constexpr char kMagic[8] = {'X', 'T', 'R', 'F', 'R', 'M', '0', '3'};
constexpr size_t kFlushAt = 1 << 20;
// The merge keeps every partition's reader open at once (a k-way merge by frame number): per
// reader a read buffer and the largest frame's bytes. 1 MB each cost the merging process
// ~2.2 MB a partition (228 MB at 64 partitions of r4); 64 KB reads of a pipe or spool file
// cost nothing measurable.
constexpr size_t kReadAt = 64 << 10;
constexpr size_t kKeptFrameBytes = 64 << 10;  // a larger frame's buffers are freed at the next

void release_if_large(std::string &buffer) {
  if (buffer.capacity() > kKeptFrameBytes) std::string().swap(buffer);
}
static_assert(std::is_trivially_copyable<Piece>::value, "Piece travels as bytes");

template <typename T>
void put(std::string &out, T value) {
  static_assert(std::is_trivially_copyable<T>::value, "a plain number");
  out.append(reinterpret_cast<const char *>(&value), sizeof value);
}

void put_bytes(std::string &out, const void *data, size_t n) {
  if (n > UINT32_MAX) throw std::runtime_error("frame stream: an item of more than 4 GB");
  put(out, uint32_t(n));
  out.append(static_cast<const char *>(data), n);
}

void put_string(std::string &out, const std::string &s) { put_bytes(out, s.data(), s.size()); }

template <typename T>
void put_vector(std::string &out, const std::vector<T> &v) {
  put_bytes(out, v.data(), v.size() * sizeof(T));
}

// A frame's fields, about 4 bytes each instead of sizeof(FieldValue) = 32 (a frame carries
// ~115, most of what crossed the pipes and spool files): per field a tag byte — the kind and
// which members differ from what the previous fields predict — then the zigzag delta of the hf
// id and the members that differ. Predicted: integer 0, length 0, source -1, and offset 0
// except for a value in the arena, which starts where the previous one ended. Lossless for
// any FieldValue: the reader makes the same predictions.
enum FieldTag : uint8_t { kKindMask = 7, kInteger = 8, kOffset = 16, kLength = 32, kSource = 64 };

bool in_arena(ValueKind kind, bool has_source) {
  return !has_source && kind != ValueKind::Integer && kind != ValueKind::Present;
}

void put_fields(std::string &out, const std::vector<FieldValue> &fields) {
  put_varint(out, fields.size());
  int previous_hf = 0;
  uint32_t arena_end = 0;
  for (const FieldValue &v : fields) {
    const bool arena = in_arena(v.kind, v.source != -1);
    const uint8_t tag =
        uint8_t(uint8_t(v.kind) | (v.integer ? kInteger : 0) | (v.offset != (arena ? arena_end : 0) ? kOffset : 0) |
                (v.length ? kLength : 0) | (v.source != -1 ? kSource : 0));
    out.push_back(char(tag));
    put_varint(out, zigzag(int64_t(v.hf_id) - previous_hf));
    if (tag & kInteger) put_varint(out, zigzag(v.integer));
    if (tag & kOffset) put_varint(out, v.offset);
    if (tag & kLength) put_varint(out, v.length);
    if (tag & kSource) put_varint(out, zigzag(v.source));
    previous_hf = v.hf_id;
    if (arena) arena_end = v.offset + v.length;
  }
}

// Reads a frame's bytes, already in memory; throws on any overrun.
class FrameCursor {
 public:
  explicit FrameCursor(const std::string &body) : p_(body.data()), end_(body.data() + body.size()) {}
  template <typename T>
  T get() {
    T value;
    raw(&value, sizeof value);
    return value;
  }
  uint64_t varint() {
    uint64_t v;
    if (!get_varint(p_, end_, v)) throw damaged();
    return v;
  }
  void raw(void *to, size_t n) {
    if (size_t(end_ - p_) < n) throw damaged();
    if (n) std::memcpy(to, p_, n);
    p_ += n;
  }
  void string(std::string &to) {
    to.resize(get<uint32_t>());
    raw(to.data(), to.size());
  }
  template <typename T>
  void vector(std::vector<T> &to) {
    const uint32_t bytes = get<uint32_t>();
    if (bytes % sizeof(T)) throw damaged();
    to.resize(bytes / sizeof(T));
    raw(to.data(), bytes);
  }
  bool at_end() const { return p_ == end_; }
  static std::runtime_error damaged() { return std::runtime_error("frame stream: damaged frame"); }

 private:
  const char *p_, *end_;
};

// The fields put_fields() wrote, with the worker's hf ids mapped to ours by `local_id`.
void get_fields(FrameCursor &in, const std::vector<int> &local_id, const std::vector<bool> &announced,
                std::vector<FieldValue> &fields) {
  const uint64_t n = in.varint();
  if (n > (uint64_t(1) << 26)) throw FrameCursor::damaged();
  fields.clear();  // then each value is built once (resize() would construct them all first)
  fields.reserve(size_t(n));
  int64_t hf = 0;
  uint32_t arena_end = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t tag = in.get<uint8_t>();
    hf += unzigzag(in.varint());
    if (hf < 0 || uint64_t(hf) >= announced.size() || !announced[size_t(hf)])
      throw std::runtime_error("frame stream: a field without its identity");
    if ((tag & kKindMask) > uint8_t(ValueKind::Present)) throw FrameCursor::damaged();
    FieldValue &v = fields.emplace_back();
    v.hf_id = local_id[size_t(hf)];
    v.kind = ValueKind(tag & kKindMask);
    v.integer = tag & kInteger ? unzigzag(in.varint()) : 0;
    const bool arena = in_arena(v.kind, tag & kSource);
    v.offset = tag & kOffset ? uint32_t(in.varint()) : arena ? arena_end : 0;
    v.length = tag & kLength ? uint32_t(in.varint()) : 0;
    v.source = tag & kSource ? int32_t(unzigzag(in.varint())) : -1;
    if (arena) arena_end = v.offset + v.length;
  }
}

void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t written = ::write(fd, p, n);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw std::runtime_error(std::string("frame stream: write: ") + std::strerror(errno));
    p += written;
    n -= size_t(written);
  }
}

// A frame's summary numbers and strings in stream order — the one list the writer and the
// reader both walk. `Record` is FrameRecord or const FrameRecord.
template <typename Record, typename Visit>
void summary_members(Record &r, Visit &&visit) {
  visit(r.number);
  visit(r.file_offset);
  visit(r.length);
  visit(r.caplen);
  visit(r.ts_sec);
  visit(r.ts_nsec);
  visit(r.encap);
  visit(r.sport);
  visit(r.dport);
  visit(r.has_ports);
  visit(r.ip_proto);
  visit(r.tcp_stream);
  visit(r.udp_stream);
  visit(r.tcp_flags);
  visit(r.icmp_type);
  visit(r.icmp_code);
  visit(r.payload);
  for (auto *s :
       {&r.src, &r.dst, &r.service, &r.title, &r.protocols, &r.net_src, &r.net_dst, &r.link_src, &r.link_dst, &r.arena})
    visit(*s);
}

// A tunnel layer's members in stream order (the same shape: `Layer` is TunnelLayer or const).
template <typename Layer, typename Visit>
void tunnel_members(Layer &t, Visit &&visit) {
  visit(t.ip_proto);
  visit(t.tcp_stream);
  visit(t.udp_stream);
  visit(t.sport);
  visit(t.dport);
  for (auto *s : {&t.src, &t.dst, &t.service}) visit(*s);
}

}  // namespace

FrameStreamWriter::FrameStreamWriter(int fd) : fd_(fd) { buffer_.append(kMagic, sizeof kMagic); }

void FrameStreamWriter::announce_fields(const FrameRecord &r) {
  for (const FieldValue &v : r.fields) {
    if (size_t(v.hf_id) < announced_.size() && announced_[size_t(v.hf_id)]) continue;
    if (size_t(v.hf_id) >= announced_.size()) announced_.resize(size_t(v.hf_id) + 1024, false);
    announced_[size_t(v.hf_id)] = true;
    const FieldFacts facts = field_facts(v.hf_id);
    buffer_.push_back('N');
    put(buffer_, int32_t(v.hf_id));
    put(buffer_, int32_t(facts.identity.type));
    put_string(buffer_, facts.identity.name);
    put(buffer_, uint8_t(facts.kind));
    put_string(buffer_, facts.parent);
  }
}

FrameStreamWriter::~FrameStreamWriter() = default;

void FrameStreamWriter::frame(const FrameRecord &r) {
  announce_fields(r);
  std::string &b = buffer_;
  b.push_back('F');
  const size_t size_at = b.size();
  put(b, uint32_t(0));  // the frame's size, known at the end
  auto put_member = [&b](const auto &member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, std::string>)
      put_string(b, member);
    else
      put(b, member);
  };
  summary_members(r, put_member);
  put_vector(b, r.fragment_frames);
  put(b, uint32_t(r.tunnels.size()));
  for (const TunnelLayer &t : r.tunnels) tunnel_members(t, put_member);
  put_fields(b, r.fields);
  put(b, uint32_t(r.sources.size()));
  for (const DataSource &source : r.sources) {
    put(b, source.length);
    put(b, uint8_t(source.is_frame | source.referenced << 1));
    put_vector(b, source.pieces);
    // only referenced bytes are read (FrameRecord::text); the rest stays in the worker
    if (source.referenced) put_bytes(b, source.data, source.data ? source.length : 0);
  }
  const size_t size = b.size() - size_at - sizeof(uint32_t);
  if (size > UINT32_MAX) throw std::runtime_error("frame stream: a frame of more than 4 GB");
  const uint32_t size32 = uint32_t(size);
  std::memcpy(&b[size_at], &size32, sizeof size32);
  if (b.size() >= kFlushAt) flush();
}

void FrameStreamWriter::watermark(uint32_t frame) {
  buffer_.push_back('W');
  put(buffer_, frame);
  flush();
}

void FrameStreamWriter::end(const std::string &read_error) {
  buffer_.push_back('E');
  put_string(buffer_, read_error);
  flush();
}

void FrameStreamWriter::fallback(const std::string &why) {
  buffer_.push_back('X');
  put_string(buffer_, why);
  flush();
}

void FrameStreamWriter::flush() {
  write_all(fd_, buffer_.data(), buffer_.size());
  buffer_.clear();
}

FrameStreamReader::FrameStreamReader(int fd, std::shared_ptr<std::vector<int>> ids)
    : fd_(fd), local_id_(ids ? std::move(ids) : std::make_shared<std::vector<int>>()), buffer_(kReadAt) {}

void FrameStreamReader::read_header() {
  char magic[sizeof kMagic];
  read_exactly(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) throw std::runtime_error("frame stream: not a frame stream");
  header_read_ = true;
}

void FrameStreamReader::read_field_identity() {
  const int32_t theirs = get<int32_t>();
  FieldFacts facts;
  facts.identity.type = get<int32_t>();
  get_string(facts.identity.name);
  const uint8_t kind = get<uint8_t>();
  if (kind > uint8_t(ValueKind::Present)) throw std::runtime_error("frame stream: damaged");
  facts.kind = ValueKind(kind);
  get_string(facts.parent);
  const int ours = announced_field_id(facts);
  if (theirs < 0 || ours < 0)
    throw std::runtime_error("frame stream: the worker's field '" + facts.identity.name + "' is unknown here");
  if (theirs >= (1 << 24)) throw std::runtime_error("frame stream: damaged");  // libwireshark has ~250 k
  const size_t at = size_t(theirs);
  if (at >= local_id_->size()) local_id_->resize(at + 1024, -1);
  if (at >= announced_.size()) announced_.resize(at + 1024, false);
  const int known = (*local_id_)[at];
  if (known != -1 && known != ours) local_id_ = std::make_shared<std::vector<int>>(*local_id_);  // ours alone now
  (*local_id_)[at] = ours;
  announced_[at] = true;
}

void FrameStreamReader::read_exactly(void *to, size_t n) {
  char *out = static_cast<char *>(to);
  while (n > 0) {
    if (begin_ == end_) {
      ssize_t got = ::read(fd_, buffer_.data(), buffer_.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw std::runtime_error("frame stream: the worker's output ends early");
      begin_ = 0;
      end_ = size_t(got);
    }
    size_t take = std::min(n, end_ - begin_);
    std::memcpy(out, buffer_.data() + begin_, take);
    begin_ += take;
    out += take;
    n -= take;
  }
}

template <typename T>
T FrameStreamReader::get() {
  T value;
  read_exactly(&value, sizeof value);
  return value;
}

void FrameStreamReader::get_string(std::string &to) {
  to.resize(get<uint32_t>());
  read_exactly(to.data(), to.size());
}

FrameStreamReader::Item FrameStreamReader::next(FrameRecord &r) {
  if (!header_read_) read_header();
  char kind = get<char>();
  for (; kind == 'N'; kind = get<char>()) read_field_identity();
  if (kind == 'W') {
    watermark_ = get<uint32_t>();
    return Watermark;
  }
  if (kind == 'E' || kind == 'X') {
    get_string(message_);
    return kind == 'E' ? End : Fallback;
  }
  if (kind != 'F') throw std::runtime_error("frame stream: damaged");
  // the previous frame's bytes are no longer referenced: a large frame's room goes back
  release_if_large(frame_);
  for (std::string &bytes : source_bytes_) release_if_large(bytes);
  // the whole frame into memory, then decoded from there (most of it is varints)
  frame_.resize(get<uint32_t>());
  read_exactly(frame_.data(), frame_.size());
  FrameCursor in(frame_);
  auto get_member = [&in](auto &member) {
    if constexpr (std::is_same_v<std::decay_t<decltype(member)>, std::string>)
      in.string(member);
    else
      member = in.get<std::decay_t<decltype(member)>>();
  };
  summary_members(r, get_member);
  in.vector(r.fragment_frames);
  r.tunnels.resize(in.get<uint32_t>());
  for (TunnelLayer &t : r.tunnels) tunnel_members(t, get_member);
  get_fields(in, *local_id_, announced_, r.fields);
  r.sources.resize(in.get<uint32_t>());
  if (source_bytes_.size() < r.sources.size()) source_bytes_.resize(r.sources.size());
  for (size_t k = 0; k < r.sources.size(); ++k) {
    DataSource &source = r.sources[k];
    source.length = in.get<uint32_t>();
    uint8_t flags = in.get<uint8_t>();
    source.is_frame = flags & 1;
    source.referenced = flags & 2;
    in.vector(source.pieces);
    source.data = nullptr;
    if (source.referenced) {
      in.string(source_bytes_[k]);
      if (source_bytes_[k].size() < source.length) source_bytes_[k].resize(source.length);  // had no bytes
      source.data = reinterpret_cast<const uint8_t *>(source_bytes_[k].data());
    }
  }
  if (!in.at_end()) throw FrameCursor::damaged();
  return Frame;
}

}  // namespace xtractr
