#include "options.hpp"

#include <sched.h>

namespace pinit::options {

namespace {

// "name\0ARG\0help\0hint" per option, packed below (see Spec); an option with no hint ends in
// "\0", its empty hint. Only the compiler reads this array.
struct Entry {
    int id;
    const char* text;
};
#define PINIT_MOUNT_HINT "\0want SRC[:DST], DST an absolute path"
constexpr Entry kOptions[] = {
    {kHelp, "help\0\0show this help and exit\0"},
    {kVersion, "version\0\0show the version and exit\0"},
    {kVerbose, "verbose\0\0log more on stderr (repeat: -vv, -vvv)\0want 0 to 4"},
    {kSubreaper, "subreaper\0\0accepted for tini; pinit is a subreaper unless PID 1\0"},
    {kPdeathsig,
     "pdeathsig\0SIG\0signal pinit gets when its own parent dies\0"
     "want a signal: TERM, SIGTERM, 15, RTMIN+3"},
    {kPgroup, "pgroup\0\0forward signals to the child's process group\0"},
    {kRemapExit,
     "remap-exit\0CODE\0exit 0 when the child exits with CODE (repeatable)\0"
     "want 0 to 255"},
    {kWarnReap, "warn-reap\0\0warn about each reaped process that is not the child\0"},
    {kRewrite,
     "rewrite\0FROM:TO\0forward FROM as TO; TO=0 drops it (repeatable)\0"
     "want FROM:TO, two signals (TO may be 0); FROM not KILL, STOP or CHLD"},
    {kGrace,
     "grace\0SECS\0TERM first, KILL SECS (e.g. 2.5) later; default 0\0"
     "want seconds, e.g. 2 or 0.5"},
    {kNewNs,
     "new-ns\0[=LIST]\0run as PID 1 of new pid+mnt namespaces, and LIST's\0"
     "want a comma list of pid,mnt,user,uts,ipc,net,cgroup"},
    {kNoMountProc, "no-mount-proc\0\0with --new-ns: keep the inherited /proc\0"},
    {kHostname, "hostname\0NAME\0with --new-ns: a new uts namespace named NAME\0"},
    {kMapUser, "map-user\0\0in a user namespace: be yourself, not root\0"},
    {kRoot, "root\0DIR\0with --new-ns: pivot_root into DIR\0"},
    {kPidFile, "pid-file\0PATH\0with --new-ns: write the inner PID 1's host pid\0"},
    {kBind, "bind\0SRC[:DST]\0with --new-ns: host SRC at DST inside (repeatable)" PINIT_MOUNT_HINT},
    {kRoBind, "ro-bind\0SRC[:DST]\0the same, read-only" PINIT_MOUNT_HINT},
    {kTmpfs,
     "tmpfs\0DST\0with --new-ns: an empty tmpfs at DST (repeatable)\0"
     "want an absolute path"},
    {kReadOnly, "read-only\0\0with --new-ns: the root is read-only\0"},
    {kChdir, "chdir\0DIR\0with --new-ns: the command's working directory\0"},
    {kNoDev, "no-dev\0\0with --root: keep DIR's /dev, make no new one\0"},
    {kJoin, "join\0TARGET\0run in the namespaces of pid (or pid file) TARGET\0"},
    {kPause, "pause\0\0no COMMAND: reap zombies until TERM or INT\0"},
    {kStatusFd, "json-status-fd\0FD\0write bwrap's JSON status lines to FD\0want 3 or more"},
};
#undef PINIT_MOUNT_HINT
constexpr int kOptionCount = sizeof kOptions / sizeof kOptions[0];
static_assert(kOptionCount <= kMaxOptions);

constexpr EnvAlias kEnvAliases[] = {
    {kVerbose, "PINIT_VERBOSITY", "TINI_VERBOSITY"},
    {kSubreaper, "PINIT_SUBREAPER", "TINI_SUBREAPER"},
    {kPgroup, "PINIT_KILL_PROCESS_GROUP", "TINI_KILL_PROCESS_GROUP"},
    {kGrace, "PINIT_GRACE", nullptr},
};

constexpr int length(const char* text) {  // of "name\0ARG\0help\0hint", with its NUL
    const char* end = text;
    for (int nuls = 0; nuls < 4; ++end) nuls += *end == '\0';
    return static_cast<int>(end - text);
}

constexpr int packed_size() {
    int size = 1;  // the final 0
    for (const Entry& entry : kOptions) size += 1 + length(entry.text);
    return size;
}

constexpr bool ids_fit_a_byte() {
    for (const Entry& entry : kOptions) {
        bool letter = entry.id >= ' ' && entry.id <= 0xff;
        bool past_chars = entry.id > 0xff && entry.id - 0xff < ' ';
        if (!letter && !past_chars) return false;
    }
    return true;
}
static_assert(ids_fit_a_byte());

constexpr auto pack() {
    std::array<char, packed_size()> out{};
    int n = 0;
    for (const Entry& entry : kOptions) {
        out[n++] = static_cast<char>(entry.id > 0xff ? entry.id - 0xff : entry.id);
        for (int i = 0; i < length(entry.text); ++i) out[n++] = entry.text[i];
    }
    return out;
}

constexpr auto kPacked = pack();

constexpr const char* arg_of(const Entry& entry) {
    const char* arg = entry.text;
    while (*arg != '\0') ++arg;
    return arg + 1;
}

// "+" stops at the first non-option (no permuting into the command's own options);
// ":" makes a missing argument distinguishable from an unknown option.
// Filled into a buffer of the exact size: "+:" and the NUL, and each letter with its colons.
template <int kSize>
constexpr auto fill_short_options() {
    std::array<char, kSize> out{'+', ':'};
    int n = 2;
    for (const Entry& entry : kOptions) {
        if (entry.id > 0xff) continue;
        out[n++] = static_cast<char>(entry.id);
        if (*arg_of(entry) != '\0') out[n++] = ':';
        if (*arg_of(entry) == '[') out[n++] = ':';
    }
    return out;
}

constexpr int short_options_size() {
    int n = 3;
    for (const Entry& entry : kOptions)
        if (entry.id <= 0xff) n += 1 + (*arg_of(entry) != '\0') + (*arg_of(entry) == '[');
    return n;
}

constexpr auto kShortOptions = fill_short_options<short_options_size()>();

}  // namespace

Spec Spec::next() const {
    const char* end = after(after(help()));  // past the hint, at the next id byte
    return {*end != '\0' ? end + 1 : nullptr};
}

// gcc (-O1, glibc builds) follows the strlen of the Spec accessors into kPacked and warns
// that it has no terminating NUL; every string in it has one (the tests walk the whole table).
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif
All::Iterator All::begin() const {
    return {{kPacked.data() + 1}};
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

std::span<const EnvAlias> env_aliases() {
    return kEnvAliases;
}

Spec find(int id) {
    for (Spec spec : all())
        if (spec.id() == id) return spec;
    return {};
}

LongOptions long_options() {
    LongOptions out{};
    int i = 0;
    for (Spec spec : all()) {
        const char* arg = spec.arg_name();
        int has_arg = !arg ? no_argument : arg[0] == '[' ? optional_argument : required_argument;
        out[i++] = {spec.long_name(), has_arg, nullptr, spec.id()};
    }
    return out;
}

const char* short_options() {
    return kShortOptions.data();
}

const char* usage_text() {
    constexpr int kHelpColumn = 28;
    static char text[3072];
    char* p = text;
    char* const end = text + sizeof text - 1;
    auto put = [&p, end](const char* piece) {
        while (*piece != '\0' && p < end) *p++ = *piece++;
    };
    put("Usage: pinit [OPTION]... [--] COMMAND [ARG]...\n"
        "Run COMMAND as the child of a tiny init: forward every signal to it, reap every\n"
        "zombie, and exit with its status (128+N if it died of signal N).\n\n");
    for (Spec spec : all()) {
        const char* line = p;
        char letter[] = {' ', ' ', '-', static_cast<char>(spec.id()), ',', ' ', '\0'};
        put(spec.id() <= 0xff ? letter : "      ");
        put("--");
        put(spec.long_name());
        const char* arg = spec.arg_name();
        if (arg != nullptr && arg[0] != '[') put(" ");
        if (arg != nullptr) put(arg);
        do put(" ");
        while (p - line < kHelpColumn);
        put(spec.help());
        put("\n");
    }
    put("\nSignals: TERM, SIGTERM, 15, RTMIN+3, any case.\nEnvironment, as the options above:\n");
    for (const EnvAlias& alias : kEnvAliases) {
        put("  ");
        put(alias.name);
        if (alias.tini_name != nullptr) {
            put(", or tini's ");
            put(alias.tini_name);
        }
        put("\n");
    }
    put("Exit: the child's status; 125 pinit failed; 126 COMMAND not executable;\n"
        "127 COMMAND not found.\n");
    *p = '\0';
    return text;
}

}  // namespace pinit::options
