// argv + environment -> Config. Pure: no syscalls, so it is unit-tested and fuzzed directly.
#pragma once

#include <array>
#include <cstdint>

#include "signals.hpp"

namespace pinit {

enum class Action { run, help, version };

struct Config {
    Action action = Action::run;
    int verbosity = 1;              // warnings; -v adds one
    bool pgroup = false;            // -g: forward to the child's process group
    bool warn_reap = false;         // -w
    int pdeathsig = 0;              // -p: pinit's own parent-death signal; 0 = none
    std::array<bool, 256> remap_to_zero{};  // -e CODE
    signals::RewriteTable rewrite;  // -r FROM:TO
    char** command = nullptr;       // NULL-terminated tail of argv
};

// What went wrong, in pieces the caller joins: "<what> '<arg>'[: <hint>]".
struct ParseError {
    const char* what = nullptr;  // nullptr: no error
    const char* arg = nullptr;
    const char* hint = nullptr;
    char option[24] = {};        // "-x" or "--name", built here in place of arg

    const char* arg_text() const { return option[0] ? option : arg; }
};

struct [[nodiscard]] ParseResult {
    Config config;
    ParseError error;
    bool ok() const { return error.what == nullptr; }
};

// Options end at "--" or at the first non-option word. envp may be nullptr.
ParseResult parse_config(int argc, char** argv, char* const* envp);

// The --help text, generated from the same option table the parser uses.
const char* usage_text();

}  // namespace pinit
