// argv + environment -> Config. Pure: no syscalls, so it is unit-tested and fuzzed directly.
#pragma once

#include <array>
#include <cstdint>

#include "env.hpp"
#include "mount.hpp"
#include "signals.hpp"

namespace pinit {

enum class Action { run, help, version };

struct Config {
    Action action = Action::run;
    int verbosity = 1;                      // warnings; -v adds one
    bool pgroup = false;                    // -g: forward to the child's process group
    bool warn_reap = false;                 // -w
    int pdeathsig = 0;                      // -p: pinit's own parent-death signal; 0 = none
    std::array<bool, 256> remap_to_zero{};  // -e CODE
    signals::RewriteTable rewrite;          // -r FROM:TO
    std::uint32_t grace_ms = 0;             // -t: TERM -> KILL grace on shutdown (DESIGN.md §4)
    char** command = nullptr;               // NULL-terminated tail of argv

    // --new-ns (DESIGN.md §2); any of the options below implies it.
    bool new_ns = false;
    int namespaces = 0;      // CLONE_NEW* flags asked for beyond pid and mnt (always made)
    bool mount_proc = true;  // --no-mount-proc keeps the inherited /proc
    bool map_user = false;   // map the caller to itself, not to root, in a user namespace
    const char* hostname = nullptr;
    const char* root = nullptr;      // --root DIR: pivot_root into it
    const char* pid_file = nullptr;  // where the launcher writes the inner PID 1's host pid
    std::array<Mount, kMaxMounts> mounts{};
    int mount_count = 0;
    bool read_only = false;       // the root is mounted read-only
    bool make_dev = true;         // with --root: a fresh /dev (--no-dev: DIR's own)
    const char* chdir = nullptr;  // the command's working directory inside (--join too)

    const char* join = nullptr;  // --join TARGET: a pid, or the path of a pid file
    bool pause = false;          // --pause: no command; reap until TERM or INT
    int status_fd = -1;          // --json-status-fd: bwrap's JSON lines go there
};

// What went wrong, in pieces the caller joins: "<what>[ '<value>'][ for <subject>][: <hint>]",
// e.g. "invalid value '256' for --remap-exit: want 0 to 255".
struct ParseError {
    const char* what = nullptr;      // nullptr: no error
    const char* value = nullptr;     // the word at fault
    const char* subject = nullptr;   // the option's long name, or the variable's name
    bool subject_is_option = false;  // print subject as "--name"
    const char* hint = nullptr;      // what a valid value looks like
    char short_option[3] = {};       // "-x" when an unknown short option is the word at fault

    const char* value_text() const { return short_option[0] ? short_option : value; }
};

struct [[nodiscard]] ParseResult {
    Config config;
    ParseError error;
    bool ok() const { return error.what == nullptr; }
};

// Options end at "--" or at the first non-option word. envp may be nullptr.
ParseResult parse_config(int argc, char** argv, char* const* envp);

}  // namespace pinit
