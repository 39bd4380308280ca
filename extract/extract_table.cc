// extract_table.cc — see extract_table.h.
#include "extract/extract_table.h"

#include <memory>

namespace xtractr {

namespace {

class ExtractCursor : public TableCursor {
 public:
  ExtractCursor(sqlite3 *db, const ExtractTableSpec &spec) : db_(db), spec_(spec) {}

  void filter(const TableCall &call) override {
    rows_.clear();
    row_ = 0;
    std::vector<sqlite3_value *> args(size_t(spec_.arguments));
    for (int k = 0; k < spec_.arguments; ++k) args[size_t(k)] = call.argument(k);
    spec_.produce(db_, args.data(), rows_);
  }
  void next() override { ++row_; }
  bool eof() const override { return row_ >= rows_.size(); }
  int64_t rowid() const override { return int64_t(row_ + 1); }

  void column(sqlite3_context *ctx, int column) override {
    const ExtractRow &row = rows_[row_];
    if (size_t(column) >= row.size()) return;
    const ExtractValue &v = row[size_t(column)];
    switch (v.kind) {
      case ExtractValue::Null:
        break;
      case ExtractValue::Integer:
        sqlite3_result_int64(ctx, v.integer);
        break;
      case ExtractValue::Real:
        sqlite3_result_double(ctx, v.real);
        break;
      case ExtractValue::Text:
        sqlite3_result_text(ctx, v.bytes.data(), int(v.bytes.size()), SQLITE_TRANSIENT);
        break;
      case ExtractValue::Blob:
        sqlite3_result_blob(ctx, v.bytes.data(), int(v.bytes.size()), SQLITE_TRANSIENT);
        break;
    }
  }

 private:
  sqlite3 *db_;
  const ExtractTableSpec &spec_;
  std::vector<ExtractRow> rows_;
  size_t row_ = 0;
};

// The arguments are the last columns, lettered '1', '2', ...; the first `required_arguments`
// must be given.
class ExtractFunction : public TableFunction {
 public:
  explicit ExtractFunction(const ExtractTableSpec &spec) : spec_(spec) {
    for (int k = 0; k < spec.arguments; ++k)
      missing_.push_back(std::string(spec.name) + "(): missing argument " + std::to_string(k + 1) +
                         " (usage: SELECT * FROM " + spec.name + "('capture.pcapng', ...))");
    for (int k = 0; k < spec.arguments; ++k)
      arguments_.push_back(TableArgument{"argument", char('1' + k),
                                         k < spec.required_arguments ? missing_[size_t(k)].c_str() : nullptr});
  }
  TableShape shape() const override {
    return {spec_.name, spec_.schema, spec_.columns, arguments_.data(), int(arguments_.size()), spec_.help};
  }
  std::unique_ptr<TableCursor> open(sqlite3 *db) const override { return std::make_unique<ExtractCursor>(db, spec_); }

 private:
  const ExtractTableSpec &spec_;
  std::vector<std::string> missing_;
  std::vector<TableArgument> arguments_;
};

}  // namespace

// One per spec, made on first use (the specs live in their own files).
const TableFunction &stream_table() {
  static const ExtractFunction function(stream_table_spec);
  return function;
}
const TableFunction &objects_table() {
  static const ExtractFunction function(objects_table_spec);
  return function;
}
const TableFunction &credentials_table() {
  static const ExtractFunction function(credentials_table_spec);
  return function;
}

}  // namespace xtractr
