// Feeds every regular file in the given directories to the fuzz target, so the fuzz corpus is a
// regression test on any machine with only g++ (libFuzzer's own main needs clang). A file named
// ok_* must parse and one named err_* must fail; any other (one libFuzzer added) is only replayed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

const char* pinit_fuzz_error(const uint8_t* data, size_t size);  // config_fuzz.cpp

namespace {

namespace fs = std::filesystem;

constexpr int kExitBadCorpus = 1;

bool read_file(const fs::path& path, std::vector<uint8_t>& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

// Regular files of one directory, sorted so that a failure names the same input on every run.
bool list_inputs(const fs::path& dir, std::vector<fs::path>& out) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        std::fprintf(stderr, "config_replay: %s: not a directory\n", dir.c_str());
        return false;
    }
    size_t before = out.size();
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file(ec)) out.push_back(entry.path());
    if (ec) {
        std::fprintf(stderr, "config_replay: %s: %s\n", dir.c_str(), ec.message().c_str());
        return false;
    }
    // An empty corpus would make the test pass while testing nothing.
    if (out.size() == before) {
        std::fprintf(stderr, "config_replay: %s: no inputs\n", dir.c_str());
        return false;
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
    return true;
}

// The one-line complaint when the input's name says the opposite of what parse_config did.
bool outcome_matches_name(const fs::path& input, const char* error) {
    const std::string name = input.filename().string();
    if (name.starts_with("ok_") && error != nullptr) {
        std::fprintf(stderr, "config_replay: %s: named ok_ but fails: %s\n", input.c_str(), error);
        return false;
    }
    if (name.starts_with("err_") && error == nullptr) {
        std::fprintf(stderr, "config_replay: %s: named err_ but parses\n", input.c_str());
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
        return kExitBadCorpus;
    }
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i)
        if (!list_inputs(argv[i], inputs)) return kExitBadCorpus;
    std::vector<uint8_t> data;
    size_t mismatches = 0;
    for (const fs::path& input : inputs) {
        if (!read_file(input, data)) {
            std::fprintf(stderr, "config_replay: %s: cannot read\n", input.c_str());
            return kExitBadCorpus;
        }
        // Named before the call: a trap inside it leaves this as the last line on stderr.
        std::fprintf(stderr, "config_replay: %s\n", input.c_str());
        if (!outcome_matches_name(input, pinit_fuzz_error(data.data(), data.size()))) ++mismatches;
    }
    std::printf("replayed %zu inputs, %zu not as named\n", inputs.size(), mismatches);
    return mismatches == 0 ? 0 : kExitBadCorpus;
}
