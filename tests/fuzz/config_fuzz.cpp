// libFuzzer target for parse_config (DESIGN.md §7: the pure parser is fuzzed).
//
// Input: words separated by NUL, at most kMaxWords; a final NUL ends the last word rather than
// starting an empty one. A word "ENV:NAME=VALUE" becomes an environment entry, every other word
// an argument after argv[0] = "pinit". With no ENV: word envp is nullptr, which the parser allows.
#include "config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr size_t kMaxWords = 64;
constexpr std::string_view kEnvPrefix = "ENV:";
constexpr int kMaxEnvVerbosity = 4;                // PINIT_VERBOSITY accepts 0..4
constexpr std::uint32_t kMaxGraceMs = 1000000999;  // --grace: 1000000 s, three decimals

struct Words {
    std::vector<std::string> args{"pinit"};
    std::vector<std::string> env;
};

Words split(const uint8_t* data, size_t size) {
    Words words;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (size_t n = 0; !rest.empty() && n < kMaxWords; ++n) {
        size_t end = rest.find('\0');
        std::string_view word = rest.substr(0, end);
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
        if (word.starts_with(kEnvPrefix))
            words.env.emplace_back(word.substr(kEnvPrefix.size()));
        else
            words.args.emplace_back(word);
    }
    return words;
}

// The parser keeps pointers into these, so they are built once the strings no longer move.
std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

void require(bool condition) {
    if (!condition) __builtin_trap();
}

bool points_into(const char* p, const std::vector<std::string>& strings) {
    for (const std::string& s : strings)
        // <= : an empty option value ("--remap-exit=") points at the word's terminating NUL.
        if (p >= s.data() && p <= s.data() + s.size()) return true;
    return false;
}

// value_text() is pinit's own short_option[] buffer or a word of argv or envp; the subject is a
// long option's name or an environment variable's (string literals in config.cpp).
void check_error(const pinit::ParseError& error, const Words& words) {
    require(error.what != nullptr);
    if (const char* value = error.value_text()) {
        if (value == error.short_option) {
            require(std::memchr(error.short_option, '\0', sizeof error.short_option) != nullptr);
            require(error.short_option[0] == '-' && error.short_option[1] != '\0');
        } else {
            require(points_into(value, words.args) || points_into(value, words.env));
        }
    }
    if (error.subject != nullptr) {
        std::string_view subject(error.subject);
        require(!subject.empty() && !subject.starts_with("-"));
        if (!error.subject_is_option)
            require(subject.starts_with("PINIT_") || subject.starts_with("TINI_"));
    }
    if (error.hint != nullptr) require(std::strlen(error.hint) > 0);
}

void check_config(const pinit::Config& config, const std::vector<char*>& argv, const Words& words) {
    int argc = static_cast<int>(words.args.size());
    if (config.action == pinit::Action::run && !config.pause) {
        // The command is argv's own non-empty, NULL-terminated tail, never argv[0].
        require(config.command != nullptr);
        require(config.command > argv.data() && config.command < argv.data() + argc);
        require(*config.command != nullptr);
    } else {
        require(config.command == nullptr);  // --help, --version, --pause: no command
    }
    // Each -v adds one, and a word holds at most one -v per byte.
    size_t arg_bytes = 0;
    for (const std::string& arg : words.args) arg_bytes += arg.size();
    require(config.verbosity >= 0);
    require(static_cast<size_t>(config.verbosity) <= kMaxEnvVerbosity + arg_bytes);
    require(config.grace_ms <= kMaxGraceMs);
    require(config.pdeathsig >= 0 && config.pdeathsig <= pinit::signals::kMax);
    for (int sig = 1; sig <= pinit::signals::kMax; ++sig) {
        int to = config.rewrite.map(sig);
        require(to >= 0 && to <= pinit::signals::kMax);
    }
    // pinit refuses rules that could never fire (config.cpp, parse_rewrite).
    for (int sig : {9, 17, 19}) require(config.rewrite.map(sig) == sig);
}

}  // namespace

// Parses the input and checks the result's invariants (a trap if one fails); returns the
// error's what, or nullptr when the input parses. The replay holds ok_* and err_* inputs to it.
const char* pinit_fuzz_error(const uint8_t* data, size_t size) {
    Words words = split(data, size);
    std::vector<char*> argv = pointers_to(words.args);
    std::vector<char*> envp = pointers_to(words.env);
    int argc = static_cast<int>(words.args.size());
    char* const* env = words.env.empty() ? nullptr : envp.data();

    pinit::ParseResult result = pinit::parse_config(argc, argv.data(), env);
    require(result.ok() == (result.error.what == nullptr));
    if (result.ok())
        check_config(result.config, argv, words);
    else
        check_error(result.error, words);

    // getopt keeps global state; parse_config resets it, so a second parse must agree.
    pinit::ParseResult again = pinit::parse_config(argc, argv.data(), env);
    require(again.ok() == result.ok());
    require(again.config.command == result.config.command);
    require(again.config.verbosity == result.config.verbosity);
    require(again.error.what == result.error.what);
    return result.error.what;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    pinit_fuzz_error(data, size);
    return 0;
}
