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
    kStatusFd,
};

// An option takes an argument iff it has arg_name (an optional one if that starts with '['),
// and hint says what a valid argument looks like. The table is one packed string, an id byte
// then "name\0ARG\0help\0hint\0" per option (ARG and hint may be empty): no pointers. A Spec
// points at an option's name there; a null one is no option.
struct Spec {
    const char* text = nullptr;

    static const char* after(const char* s) { return s + __builtin_strlen(s) + 1; }
    static const char* or_null(const char* s) { return *s ? s : nullptr; }
    bool ok() const { return text != nullptr; }
    // Letters are themselves; the ids past the char range are packed as 1, 2, ...
    int id() const {
        int byte = static_cast<unsigned char>(text[-1]);
        return byte < ' ' ? 0xff + byte : byte;
    }
    const char* long_name() const { return text; }
    const char* arg_name() const { return or_null(after(text)); }
    const char* help() const { return after(after(text)); }
    const char* hint() const { return or_null(after(help())); }
    Spec next() const;  // the next option in the table; a null Spec after the last
};

// The table in order: for (Spec spec : all()).
struct All {
    struct Iterator {
        Spec spec;
        Spec operator*() const { return spec; }
        Iterator& operator++() {
            spec = spec.next();
            return *this;
        }
        bool operator!=(const Iterator&) const { return spec.ok(); }
    };
    Iterator begin() const;
    Iterator end() const { return {}; }
};
inline constexpr All all() {
    return {};
}

// Options that the environment can set too: pinit's name first, then tini's.
struct EnvAlias {
    int id;
    const char* name;
    const char* tini_name;
};

std::span<const EnvAlias> env_aliases();
Spec find(int id);  // a null Spec if no option has this id

inline constexpr int kMaxOptions = 26;
using LongOptions = std::array<option, kMaxOptions + 1>;
LongOptions long_options();
const char* short_options();

// The --help text.
const char* usage_text();

}  // namespace pinit::options
