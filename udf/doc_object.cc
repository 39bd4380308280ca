// doc_object.cc — see doc_object.h.
#include "udf/doc_object.h"

#include <cstdlib>
#include <string>

#include "extension/json_lookup.h"

namespace xtractr {

namespace {

DocFactory &factory_of(const v8::Local<v8::Value> &data) {
  return *static_cast<DocFactory *>(data.As<v8::External>()->Value());
}

// Names that live on the prototype: never looked up in the doc (saves a scan per call).
bool prototype_name(std::string_view name) {
  return name == "values" || name == "toJSON" || name == "toString" || name == "valueOf" ||
         name == "constructor" || name == "hasOwnProperty" || name == "then";
}

// The property name as UTF-8 into `buffer`; false for symbols.
bool property_name(v8::Isolate *isolate, v8::Local<v8::Name> property, std::string &buffer) {
  if (!property->IsString()) return false;
  v8::Local<v8::String> s = property.As<v8::String>();
  buffer.resize(size_t(s->Utf8Length(isolate)));
  s->WriteUtf8(isolate, buffer.data(), int(buffer.size()), nullptr, v8::String::NO_NULL_TERMINATION);
  return true;
}

// The raw JSON of member `name`; `pkt.X` and `flow.X` fall back to the column X.
std::optional<std::string_view> lookup(std::string_view json, std::string_view name) {
  auto member = json_member(json, name);
  if (member) return member;
  for (std::string_view prefix : {std::string_view("pkt."), std::string_view("flow.")})
    if (name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix)
      return json_member(json, name.substr(prefix.size()));
  return std::nullopt;
}

void throw_stale(v8::Isolate *isolate) {
  isolate->ThrowException(v8::Exception::Error(
      v8::String::NewFromUtf8Literal(isolate, "a document can only be read during the map call that received it")));
}

void doc_get(v8::Local<v8::Name> property, const v8::PropertyCallbackInfo<v8::Value> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  thread_local std::string name;
  if (!property_name(isolate, property, name) || prototype_name(name)) return;
  std::string_view json;
  if (!f.current(info.Holder(), json)) return throw_stale(isolate);
  auto raw = lookup(json, name);
  if (!raw) return;
  v8::Local<v8::Value> value;
  if (json_to_js(isolate, isolate->GetCurrentContext(), *raw).ToLocal(&value)) info.GetReturnValue().Set(value);
}

void doc_query(v8::Local<v8::Name> property, const v8::PropertyCallbackInfo<v8::Integer> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  std::string name;
  if (!property_name(isolate, property, name) || prototype_name(name)) return;
  std::string_view json;
  if (!f.current(info.Holder(), json)) return;
  if (lookup(json, name)) info.GetReturnValue().Set(v8::Integer::New(isolate, v8::ReadOnly));
}

// Object.keys(doc), for ... in: parse once, list the keys.
void doc_keys(const v8::PropertyCallbackInfo<v8::Array> &info) {
  DocFactory &f = factory_of(info.Data());
  v8::Isolate *isolate = info.GetIsolate();
  std::string_view json;
  if (!f.current(info.Holder(), json)) return throw_stale(isolate);
  v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
  v8::Local<v8::Value> parsed;
  if (!json_to_js(isolate, ctx, json).ToLocal(&parsed) || !parsed->IsObject()) return;
  v8::Local<v8::Array> keys;
  if (parsed.As<v8::Object>()->GetOwnPropertyNames(ctx).ToLocal(&keys)) info.GetReturnValue().Set(keys);
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
  std::string_view json;
  if (!info.This()->IsObject() || !f.current(info.This(), json)) return throw_stale(isolate);
  v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
  v8::String::Utf8Value utf8(isolate, info[0]);
  std::string name = *utf8 ? std::string(*utf8, size_t(utf8.length())) : std::string();
  auto raw = lookup(json, name);
  if (!raw) return;
  std::vector<std::string_view> elements = json_elements(*raw);
  v8::Local<v8::Function> callback = info[1].As<v8::Function>();
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
  std::string_view json;
  if (!info.This()->IsObject() || !f.current(info.This(), json)) return throw_stale(isolate);
  v8::Local<v8::Value> value;
  if (json_to_js(isolate, isolate->GetCurrentContext(), json).ToLocal(&value)) info.GetReturnValue().Set(value);
}

}  // namespace

v8::MaybeLocal<v8::Value> json_to_js(v8::Isolate *isolate, v8::Local<v8::Context> context, std::string_view raw) {
  if (raw.empty()) return v8::Undefined(isolate);
  char c = raw[0];
  if (c == '"') {
    v8::Local<v8::String> s;
    bool ok;
    if (raw.find('\\') == std::string_view::npos) {
      ok = v8::String::NewFromUtf8(isolate, raw.data() + 1, v8::NewStringType::kNormal, int(raw.size() - 2)).ToLocal(&s);
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
    if (!v8::String::NewFromUtf8(isolate, raw.data(), v8::NewStringType::kNormal, int(raw.size())).ToLocal(&text)) return {};
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

DocFactory::~DocFactory() = default;

v8::Local<v8::Function> DocFactory::constructor() { return constructor_.Get(isolate_); }

v8::MaybeLocal<v8::Object> DocFactory::make(std::string_view json) {
  json_ = json;
  ++generation_;
  v8::Local<v8::Object> doc;
  if (!constructor()->NewInstance(isolate_->GetCurrentContext()).ToLocal(&doc)) return {};
  doc->SetInternalField(0, v8::Integer::NewFromUnsigned(isolate_, generation_));
  return doc;
}

void DocFactory::release() {
  json_ = {};
  ++generation_;
}

bool DocFactory::current(v8::Local<v8::Object> doc, std::string_view &json) const {
  if (doc->InternalFieldCount() < 1) return false;
  v8::Local<v8::Value> stamp = doc->GetInternalField(0);
  if (!stamp->IsUint32() || stamp.As<v8::Uint32>()->Value() != generation_ || json_.data() == nullptr) return false;
  json = json_;
  return true;
}

}  // namespace xtractr
