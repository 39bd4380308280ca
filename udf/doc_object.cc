// doc_object.cc — see doc_object.h.
#include "udf/doc_object.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "core/json_lookup.h"

namespace xtractr {

// At most this many names are read in batches per statement (a map reads a few); others are
// read doc by doc.
constexpr size_t kBatchMembers = 32;

struct DocFactory::BatchMember {
  v8::Global<v8::Name> property;  // the name as the map spells it (identity: names are internalized)
  std::string name;
  bool prototype = false;       // values, toJSON…: never a member
  uint64_t batch = 0;           // the batch the answer is of (serials start at 1)
  size_t first = 0;             // the batch index of the answer's first doc
  bool failed = false;          // the reader could not read the batch: read its docs alone
  std::string text;             // the answer: each doc's raw JSON, one after another
  std::vector<size_t> offsets;  // doc first + k's JSON starts at offsets[k]; sizes[k] long
  std::vector<size_t> sizes;    // (XTRACTR_DOC_REF_ABSENT: no such member)
  std::string last_raw;         // the last primitive value made, and its JSON
  v8::Global<v8::Value> last_value;
};

namespace {

DocFactory &factory_of(const v8::Local<v8::Value> &data) {
  return *static_cast<DocFactory *>(data.As<v8::External>()->Value());
}

// Names that live on the prototype: never looked up in the doc (saves a scan per call).
bool prototype_name(std::string_view name) {
  return name == "values" || name == "toJSON" || name == "toString" || name == "valueOf" || name == "constructor" ||
         name == "hasOwnProperty" || name == "then";
}

// The property name as UTF-8 into `buffer`; false for symbols.
bool property_name(v8::Isolate *isolate, v8::Local<v8::Name> property, std::string &buffer) {
  if (!property->IsString()) return false;
  v8::Local<v8::String> s = property.As<v8::String>();
  buffer.resize(size_t(s->Utf8Length(isolate)));
  s->WriteUtf8(isolate, buffer.data(), int(buffer.size()), nullptr, v8::String::NO_NULL_TERMINATION);
  return true;
}

// Throws `message` as a JavaScript Error.
void throw_error(v8::Isolate *isolate, const char *message, size_t size) {
  v8::Local<v8::String> text;
  if (v8::String::NewFromUtf8(isolate, message, v8::NewStringType::kNormal, int(size)).ToLocal(&text))
    isolate->ThrowException(v8::Exception::Error(text));
}

const XtractrDocReader *the_reader = nullptr;

// The raw JSON of `member` of a referenced doc; nullopt when absent, or (with `failed`
// set and a JavaScript error thrown) when the reader could not read it. The text lasts until
// the reader's next read.
std::optional<std::string_view> ref_member(v8::Isolate *isolate, const DocFactory &f, std::string_view member,
                                           bool &failed) {
  const char *json;
  size_t size;
  const int found =
      the_reader->member(f.reader_state(), f.ref().data(), f.ref().size(), member.data(), member.size(), &json, &size);
  if (found < 0) {
    failed = true;
    throw_error(isolate, json, size);
    return std::nullopt;
  }
  if (!found) return std::nullopt;
  return std::string_view(json, size);
}

// The raw JSON of member `name` of a JSON or referenced doc (pkt.X / flow.X: column X first).
std::optional<std::string_view> lookup(v8::Isolate *isolate, const DocFactory &f, std::string_view name, bool &failed) {
  failed = false;
  auto find = [&](std::string_view member) {
    return f.ref().empty() ? json_member(f.json(), member) : ref_member(isolate, f, member, failed);
  };
  std::string_view column = column_name(name);
  if (column.size() != name.size()) {
    auto raw = find(column);
    if (raw || failed) return raw;
  }
  return find(name);
}

// A column value of a row doc (no exceptions: this runs inside V8 callbacks).
v8::MaybeLocal<v8::Value> column_to_js(v8::Isolate *isolate, sqlite3_value *value) {
  switch (sqlite3_value_type(value)) {
    case SQLITE_INTEGER: {
      int64_t n = sqlite3_value_int64(value);
      if (n >= -9007199254740991LL && n <= 9007199254740991LL) return v8::Number::New(isolate, double(n));
      return v8::BigInt::New(isolate, n);
    }
    case SQLITE_FLOAT:
      return v8::Number::New(isolate, sqlite3_value_double(value));
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      const char *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
      v8::Local<v8::String> s;
      if (!v8::String::NewFromUtf8(isolate, text ? text : "", v8::NewStringType::kNormal, sqlite3_value_bytes(value))
               .ToLocal(&s))
        return {};
      return s;
    }
    default:
      return v8::Null(isolate);
  }
}

// The value of `name` in the current doc; empty (and nothing thrown) when absent.
bool read(DocFactory &f, v8::Isolate *isolate, std::string_view name, v8::Local<v8::Value> &out, bool &failed) {
  failed = false;
  if (f.row_mode()) {
    int col = f.column(name);
    if (col < 0) {
      f.miss(name);
      failed = true;
      return false;
    }
    failed = !column_to_js(isolate, sqlite3_column_value(f.row(), col)).ToLocal(&out);
    return !failed;
  }
  auto raw = lookup(isolate, f, name, failed);
  if (!raw) return false;
  failed = !json_to_js(isolate, isolate->GetCurrentContext(), *raw).ToLocal(&out);
  return !failed;
}

void throw_stale(v8::Isolate *isolate) {
  isolate->ThrowException(v8::Exception::Error(
      v8::String::NewFromUtf8Literal(isolate, "a document can only be read during the map call that received it")));
}

// Reads `member` of the current batch doc into `info`; false when the doc must be read alone.
bool batch_get(DocFactory &f, DocFactory::BatchMember &member, const v8::PropertyCallbackInfo<v8::Value> &info) {
  if (member.prototype) return true;
  if (!f.current(info.Holder())) {
    throw_stale(info.GetIsolate());
    return true;
  }
  std::string_view raw;
  const int found = f.batch_raw(member, raw);
  if (found < 0) return false;
  v8::Local<v8::Value> value;
  if (found > 0 && f.batch_value(member, raw).ToLocal(&value)) info.GetReturnValue().Set(value);
  return true;
}

void doc_get(v8::Local<v8::Name> property, const v8::PropertyCallbackInfo<v8::Value> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  if (f.row_mode()) {  // fast path: a column name read before
    int col = f.cached_column(property);
    if (col >= 0) {
      if (!f.current(info.Holder())) return throw_stale(isolate);
      v8::Local<v8::Value> value;
      if (column_to_js(isolate, sqlite3_column_value(f.row(), col)).ToLocal(&value)) info.GetReturnValue().Set(value);
      return;
    }
  }
  DocFactory::BatchMember *member = f.batch_member(property);  // fast path: a name read in batches
  if (member && batch_get(f, *member, info)) return;
  thread_local std::string name;
  if (!property_name(isolate, property, name)) return;
  const bool prototype = prototype_name(name);
  if (!member && (member = f.add_batch_member(property, name, prototype)) && batch_get(f, *member, info)) return;
  if (prototype) return;
  if (!f.current(info.Holder())) return throw_stale(isolate);
  if (f.row_mode()) {
    int col = f.column(name);
    if (col >= 0) f.remember(property, col);
  }
  v8::Local<v8::Value> value;
  bool failed;
  if (read(f, isolate, name, value, failed)) info.GetReturnValue().Set(value);
}

void doc_query(v8::Local<v8::Name> property, const v8::PropertyCallbackInfo<v8::Integer> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  std::string name;
  if (!property_name(isolate, property, name) || prototype_name(name)) return;
  if (!f.current(info.Holder())) return;
  bool failed = false;
  bool present = f.row_mode() ? f.column(name) >= 0 : lookup(isolate, f, name, failed).has_value();
  if (failed) return;
  if (f.row_mode() && !present) return f.miss(name);
  if (present) info.GetReturnValue().Set(v8::Integer::New(isolate, v8::ReadOnly));
}

// The whole doc as a plain object (row docs cannot: they do not have it).
v8::MaybeLocal<v8::Value> whole(DocFactory &f, v8::Isolate *isolate) {
  if (f.row_mode()) {
    f.miss("");
    return {};
  }
  if (!f.ref().empty()) {
    const char *json;
    size_t size;
    if (the_reader->whole(f.reader_state(), f.ref().data(), f.ref().size(), &json, &size) < 0) {
      throw_error(isolate, json, size);
      return {};
    }
    return json_to_js(isolate, isolate->GetCurrentContext(), std::string_view(json, size));
  }
  return json_to_js(isolate, isolate->GetCurrentContext(), f.json());
}

// Object.keys(doc), for ... in: parse once, list the keys.
void doc_keys(const v8::PropertyCallbackInfo<v8::Array> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  if (!f.current(info.Holder())) return throw_stale(isolate);
  v8::Local<v8::Value> parsed;
  if (!whole(f, isolate).ToLocal(&parsed) || !parsed->IsObject()) return;
  v8::Local<v8::Array> keys;
  if (parsed.As<v8::Object>()->GetOwnPropertyNames(isolate->GetCurrentContext()).ToLocal(&keys))
    info.GetReturnValue().Set(keys);
}

// doc.values(name, callback): callback(value) for each value of the field, in order.
void doc_values(const v8::FunctionCallbackInfo<v8::Value> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  if (info.Length() < 2 || !info[1]->IsFunction()) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8::String::NewFromUtf8Literal(isolate, "doc.values(name, callback): callback must be a function")));
    return;
  }
  if (!info.This()->IsObject() || !f.current(info.This())) return throw_stale(isolate);
  v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
  v8::Local<v8::Function> callback = info[1].As<v8::Function>();
  // a batch doc's member named by this string before: no UTF-8 copy of the name
  DocFactory::BatchMember *member = info[0]->IsString() ? f.batch_member(info[0].As<v8::Name>()) : nullptr;
  std::string name;
  if (!member) {
    v8::String::Utf8Value utf8(isolate, info[0]);
    if (*utf8) name.assign(*utf8, size_t(utf8.length()));
    member = f.add_batch_member(info[0]->IsString() ? info[0].As<v8::Name>() : v8::Local<v8::Name>(), name, false);
  }
  if (f.row_mode()) {  // a column has one value
    v8::Local<v8::Value> value;
    bool failed;
    if (!read(f, isolate, name, value, failed)) return;  // (never a batch doc: `name` is set)
    v8::Local<v8::Value> argv[] = {value};
    if (callback->Call(ctx, v8::Undefined(isolate), 1, argv).IsEmpty()) return;  // exception propagates
    return;
  }
  // a batch member's text lasts until the batch's end (the callback reads the same doc); a
  // referenced doc's until its next read, and the callback may read: copied
  std::string_view raw;
  std::string copy;
  const int found = member && !member->prototype ? f.batch_raw(*member, raw) : -1;
  if (found == 0) return;
  if (found < 0) {
    if (member) name = member->name;
    bool failed;
    auto looked = lookup(isolate, f, name, failed);
    if (!looked) return;
    raw = f.ref().empty() ? *looked : copy.assign(*looked);
  }
  std::vector<std::string_view> elements = json_elements(raw);
  for (std::string_view element : elements) {
    v8::Local<v8::Value> value;
    if (elements.size() == 1 && found > 0 ? !f.batch_value(*member, element).ToLocal(&value)
                                          : !json_to_js(isolate, ctx, element).ToLocal(&value))
      return;
    v8::Local<v8::Value> argv[] = {value};
    if (callback->Call(ctx, v8::Undefined(isolate), 1, argv).IsEmpty()) return;  // exception propagates
  }
}

void doc_to_json(const v8::FunctionCallbackInfo<v8::Value> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  if (!info.This()->IsObject() || !f.current(info.This())) return throw_stale(isolate);
  v8::Local<v8::Value> value;
  if (whole(f, isolate).ToLocal(&value)) info.GetReturnValue().Set(value);
}

}  // namespace

// No Wireshark protocol is called pkt or flow.
std::string_view column_name(std::string_view name) {
  for (std::string_view prefix : {std::string_view("pkt."), std::string_view("flow.")})
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix) return name.substr(prefix.size());
  return name;
}

v8::MaybeLocal<v8::Value> json_to_js(v8::Isolate *isolate, v8::Local<v8::Context> context, std::string_view raw) {
  if (raw.empty()) return v8::Undefined(isolate);
  char c = raw[0];
  if (c == '"') {
    v8::Local<v8::String> s;
    bool ok;
    if (raw.find('\\') == std::string_view::npos) {
      ok =
          v8::String::NewFromUtf8(isolate, raw.data() + 1, v8::NewStringType::kNormal, int(raw.size() - 2)).ToLocal(&s);
    } else {
      std::string text = json_unescape(raw);
      ok = v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal, int(text.size())).ToLocal(&s);
    }
    if (!ok) return {};
    return s;
  }
  if (c == 'n') return v8::Null(isolate);
  if (c == 't') return v8::True(isolate);
  if (c == 'f') return v8::False(isolate);
  if (c == '[') {
    std::vector<std::string_view> elements = json_elements(raw);
    v8::Local<v8::Array> array = v8::Array::New(isolate, int(elements.size()));
    for (size_t i = 0; i < elements.size(); ++i) {
      v8::Local<v8::Value> element;
      if (!json_to_js(isolate, context, elements[i]).ToLocal(&element)) return {};
      if (array->Set(context, uint32_t(i), element).IsNothing()) return {};
    }
    return array;
  }
  if (c == '{') {
    v8::Local<v8::String> text;
    if (!v8::String::NewFromUtf8(isolate, raw.data(), v8::NewStringType::kNormal, int(raw.size())).ToLocal(&text))
      return {};
    v8::Local<v8::Value> parsed;
    if (!v8::JSON::Parse(context, text).ToLocal(&parsed)) return {};
    return parsed;
  }
  std::string number(raw);
  return v8::Number::New(isolate, std::strtod(number.c_str(), nullptr));
}

DocFactory::DocFactory(v8::Isolate *isolate, v8::Local<v8::Context> context) : isolate_(isolate) {
  v8::Local<v8::External> self = v8::External::New(isolate, this);
  v8::Local<v8::FunctionTemplate> cls = v8::FunctionTemplate::New(isolate);
  cls->SetClassName(v8::String::NewFromUtf8Literal(isolate, "Doc"));
  v8::Local<v8::ObjectTemplate> instance = cls->InstanceTemplate();
  instance->SetInternalFieldCount(1);
  instance->SetHandler(v8::NamedPropertyHandlerConfiguration(doc_get, nullptr, doc_query, nullptr, doc_keys, self,
                                                             v8::PropertyHandlerFlags::kOnlyInterceptStrings));
  v8::Local<v8::ObjectTemplate> proto = cls->PrototypeTemplate();
  proto->Set(isolate, "values", v8::FunctionTemplate::New(isolate, doc_values, self));
  proto->Set(isolate, "toJSON", v8::FunctionTemplate::New(isolate, doc_to_json, self));
  constructor_.Reset(isolate, cls->GetFunction(context).ToLocalChecked());
}

DocFactory::~DocFactory() {
  if (reader_state_) the_reader->close(reader_state_);
}

// ---- batches of docrefs ----

void DocFactory::begin_batch(std::string_view refs) {
  batch_refs_ = refs;
  ++batch_serial_;
}

void DocFactory::end_batch() {
  release();
  batch_refs_ = {};
}

v8::MaybeLocal<v8::Object> DocFactory::make_batch_ref(size_t i) {
  v8::MaybeLocal<v8::Object> doc = make_ref(batch_refs_.substr(i * XTRACTR_DOC_REF_SIZE, XTRACTR_DOC_REF_SIZE));
  if (!doc.IsEmpty()) batch_index_ = i;
  return doc;
}

DocFactory::BatchMember *DocFactory::batch_member(v8::Local<v8::Name> property) {
  if (batch_index_ == SIZE_MAX) return nullptr;
  for (const auto &member : batch_members_)
    if (member->property == property) return member.get();
  return nullptr;
}

DocFactory::BatchMember *DocFactory::add_batch_member(v8::Local<v8::Name> property, std::string_view name,
                                                      bool prototype) {
  // pkt.X / flow.X are read as column X, else as the member itself: doc by doc
  if (batch_index_ == SIZE_MAX || column_name(name).size() != name.size()) return nullptr;
  for (const auto &member : batch_members_)
    if (member->name == name) {
      if (member->property.IsEmpty() && !property.IsEmpty()) member->property.Reset(isolate_, property);
      return member.get();
    }
  if (batch_members_.size() >= kBatchMembers) return nullptr;
  auto member = std::make_unique<BatchMember>();
  if (!property.IsEmpty()) member->property.Reset(isolate_, property);
  member->name = std::string(name);
  member->prototype = prototype;
  batch_members_.push_back(std::move(member));
  return batch_members_.back().get();
}

int DocFactory::batch_raw(BatchMember &m, std::string_view &raw) {
  if (batch_index_ == SIZE_MAX) return -1;
  if (m.batch != batch_serial_ || batch_index_ < m.first || (!m.failed && batch_index_ - m.first >= m.sizes.size())) {
    // the member's first read in this batch, or in this block of it (members() stops at a block's end)
    m.batch = batch_serial_;
    m.first = batch_index_;
    m.offsets.clear();
    m.sizes.clear();
    const char *json;
    const size_t *sizes;
    const long count = the_reader->members(reader_state_, batch_refs_.data() + m.first * XTRACTR_DOC_REF_SIZE,
                                           batch_refs_.size() / XTRACTR_DOC_REF_SIZE - m.first, m.name.data(),
                                           m.name.size(), &json, &sizes);
    m.failed = count <= 0;
    if (m.failed) return -1;
    size_t at = 0;
    for (size_t k = 0; k < size_t(count); ++k) {
      m.offsets.push_back(at);
      m.sizes.push_back(sizes[k]);
      if (sizes[k] != XTRACTR_DOC_REF_ABSENT) at += sizes[k];
    }
    m.text.assign(json, at);
  }
  if (m.failed) return -1;
  const size_t k = batch_index_ - m.first;
  if (m.sizes[k] == XTRACTR_DOC_REF_ABSENT) return 0;
  raw = std::string_view(m.text).substr(m.offsets[k], m.sizes[k]);
  return 1;
}

v8::MaybeLocal<v8::Value> DocFactory::batch_value(BatchMember &m, std::string_view raw) {
  if (!m.last_value.IsEmpty() && raw == m.last_raw) return m.last_value.Get(isolate_);
  v8::Local<v8::Value> value;
  if (!json_to_js(isolate_, isolate_->GetCurrentContext(), raw).ToLocal(&value)) return {};
  // strings only: the map cannot change one, and a new one costs an allocation and, as an
  // emit() key, a hash (a number or literal is as cheap to make again as to keep)
  if (value->IsString()) {
    m.last_raw.assign(raw);
    m.last_value.Reset(isolate_, value);
  }
  return value;
}

void set_doc_reader(const XtractrDocReader *reader) { the_reader = reader; }

v8::Local<v8::Function> DocFactory::constructor() { return constructor_.Get(isolate_); }

v8::MaybeLocal<v8::Object> DocFactory::make(std::string_view json) {
  json_ = json;
  ref_ = {};
  row_ = nullptr;
  batch_index_ = SIZE_MAX;
  ++generation_;
  v8::Local<v8::Object> doc;
  if (!constructor()->NewInstance(isolate_->GetCurrentContext()).ToLocal(&doc)) return {};
  doc->SetInternalField(0, v8::Integer::NewFromUnsigned(isolate_, generation_));
  return doc;
}

v8::MaybeLocal<v8::Object> DocFactory::make_ref(std::string_view ref) {
  if (!reader_state_ && the_reader) reader_state_ = the_reader->open();
  if (!reader_state_) {
    isolate_->ThrowException(v8::Exception::Error(
        v8::String::NewFromUtf8Literal(isolate_, "docref: no reader of docrefs in this runtime (out of memory?)")));
    return {};
  }
  v8::MaybeLocal<v8::Object> doc = make(std::string_view("{}"));
  ref_ = ref;
  return doc;
}

v8::MaybeLocal<v8::Object> DocFactory::make_row(sqlite3_stmt *row, const std::vector<std::string> *names) {
  v8::MaybeLocal<v8::Object> doc = make(std::string_view("{}"));
  if (names != names_ || names->size() != layout_size_) {  // a new layout: column numbers change
    name_cache_.clear();
    layout_size_ = names->size();
  }
  row_ = row;
  names_ = names;
  return doc;
}

int DocFactory::cached_column(v8::Local<v8::Name> property) const {
  for (const auto &entry : name_cache_)
    if (entry.first.Get(isolate_) == property) return entry.second;
  return -1;
}

void DocFactory::remember(v8::Local<v8::Name> property, int column) {
  if (name_cache_.size() < 32) name_cache_.emplace_back(v8::Global<v8::Name>(isolate_, property), column);
}

void DocFactory::release() {
  json_ = {};
  ref_ = {};
  row_ = nullptr;
  batch_index_ = SIZE_MAX;
  ++generation_;
}

int DocFactory::column(std::string_view name) const {
  std::string_view column = column_name(name);
  for (size_t i = 0; i < names_->size(); ++i)
    if ((*names_)[i] == column) return int(i);
  return -1;
}

void DocFactory::miss(std::string_view name) {
  if (!missed_) missed_name_ = std::string(name);
  missed_ = true;
  isolate_->ThrowException(v8::Exception::Error(v8::String::NewFromUtf8Literal(
      isolate_, "xtractr: this map reads more than the columns (it is run again over whole documents)")));
}

bool DocFactory::current(v8::Local<v8::Object> doc) const {
  if (doc->InternalFieldCount() < 1) return false;
  v8::Local<v8::Value> stamp = doc->GetInternalField(0);
  return stamp->IsUint32() && stamp.As<v8::Uint32>()->Value() == generation_ && (row_ || json_.data() != nullptr);
}

}  // namespace xtractr
