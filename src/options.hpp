// The command line's one table: it feeds getopt_long, --help, the environment aliases and the
// hints of error messages, so an option is added in one place. Pure: no syscalls.
#pragma once

#include <getopt.h>

#include <array>
#include <span>

namespace pinit::options {

// Options with no short letter get ids past the char range.
enum Id : int {
    kHelp = 'h',
    kVersion = 'V',
    kVerbose = 'v',
    kSubreaper = 's',
    kPdeathsig = 'p',
    kPgroup = 'g',
    kRemapExit = 'e',
    kWarnReap = 'w',
    kRewrite = 'r',
    kGrace = 't',
    kNewNs = 'n',
    kNoMountProc = 0x100,
    kHostname,
    kMapUser,
    kRoot,
    kPidFile,
    kBind,
    kRoBind,
    kTmpfs,
    kReadOnly,
    kChdir,
    kNoDev,
    kJoin,
    kPause,
};

// An option takes an argument iff it has arg_name (an optional one if that starts with '['),
// and hint says what a valid argument looks like. The four share one string,
// "name\0ARG\0help\0hint" (ARG and hint may be empty): one pointer per option, not four.
struct Spec {
    int id;
    const char* text;

    static constexpr const char* next(const char* s) {
        while (*s != '\0') ++s;
        return s + 1;
    }
    static constexpr const char* or_null(const char* s) { return *s ? s : nullptr; }
    constexpr const char* long_name() const { return text; }
    constexpr const char* arg_name() const { return or_null(next(text)); }
    const char* help() const { return next(next(text)); }
    const char* hint() const { return or_null(next(help())); }
};

// Options that the environment can set too: pinit's name first, then tini's.
struct EnvAlias {
    int id;
    const char* name;
    const char* tini_name;
};

std::span<const Spec> specs();
std::span<const EnvAlias> env_aliases();
const Spec* find(int id);  // nullptr if no option has this id

inline constexpr int kMaxOptions = 26;
using LongOptions = std::array<option, kMaxOptions + 1>;
LongOptions long_options();
const char* short_options();

// The --help text.
const char* usage_text();

}  // namespace pinit::options
