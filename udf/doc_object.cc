// doc_object.cc — see doc_object.h.
#include "udf/doc_object.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "core/json_lookup.h"

namespace xtractr {

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
  thread_local std::string name;
  if (!property_name(isolate, property, name) || prototype_name(name)) return;
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
  v8::String::Utf8Value utf8(isolate, info[0]);
  std::string name = *utf8 ? std::string(*utf8, size_t(utf8.length())) : std::string();
  v8::Local<v8::Function> callback = info[1].As<v8::Function>();
  if (f.row_mode()) {  // a column has one value
    v8::Local<v8::Value> value;
    bool failed;
    if (!read(f, isolate, name, value, failed)) return;
    v8::Local<v8::Value> argv[] = {value};
    if (callback->Call(ctx, v8::Undefined(isolate), 1, argv).IsEmpty()) return;  // exception propagates
    return;
  }
  bool failed;
  auto raw = lookup(isolate, f, name, failed);
  if (!raw) return;
  std::string copy;  // a referenced doc's text lasts until its next read: the callback may read
  if (!f.ref().empty()) raw = copy.assign(*raw);
  std::vector<std::string_view> elements = json_elements(*raw);
  for (std::string_view element : elements) {
    v8::Local<v8::Value> value;
    if (!json_to_js(isolate, ctx, element).ToLocal(&value)) return;
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

void set_doc_reader(const XtractrDocReader *reader) { the_reader = reader; }

v8::Local<v8::Function> DocFactory::constructor() { return constructor_.Get(isolate_); }

v8::MaybeLocal<v8::Object> DocFactory::make(std::string_view json) {
  json_ = json;
  ref_ = {};
  row_ = nullptr;
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
