// replay_main.cc — main() for a fuzz target built without libFuzzer (gcc, or XTRACTR_FUZZ off):
// runs LLVMFuzzerTestOneInput once on every file named, or every file of every folder named.
//
// Usage: build/tests/fuzz/fuzz_query tests/fuzz/corpus/query     # ctest "fuzz-replay:query"
//
// How it works: what libFuzzer does when given files instead of folders to explore: each
// input once, in name order, after LLVMFuzzerInitialize when the target has one. Exit status 0
// when every input ran; a finding aborts (a sanitizer report, a trap, an uncaught exception).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto &entry : std::filesystem::directory_iterator(argv[i]))
        if (entry.is_regular_file()) inputs.push_back(entry.path());
    } else {
      inputs.push_back(argv[i]);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto &path : inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 1;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  }
  std::printf("replay: %zu inputs\n", inputs.size());
  return inputs.empty() ? 1 : 0;
}
