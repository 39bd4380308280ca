// index_summary.h — what an index holds; what xtractr_index() reports.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xtractr {

// What an index holds; also what xtractr_index() reports.
struct IndexSummary {
  std::string capture;
  std::string format;
  std::string compression;
  std::vector<std::string> link_types;
  int64_t frames = 0;
  int64_t bytes = 0;
  double first_time = 0, last_time = 0;
  int64_t flows = 0;
  int64_t index_size = 0;
  double seconds = 0;
  std::vector<std::string> warnings;
  std::string directory;
  bool built_now = false;
};

}  // namespace xtractr
