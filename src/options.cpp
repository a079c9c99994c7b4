#include "options.hpp"

#include <sched.h>

namespace pinit::options {

namespace {

constexpr const char* kSignalHint = "want a signal: TERM, SIGTERM, 15, RTMIN+3";
constexpr const char* kMountHint = "want SRC[:DST], DST an absolute path";

constexpr Spec kOptions[] = {
    {kHelp, "help", "\0show this help and exit", nullptr},
    {kVersion, "version", "\0show the version and exit", nullptr},
    {kVerbose, "verbose", "\0log more on stderr (repeat: -vv, -vvv)", "want 0 to 4"},
    {kSubreaper, "subreaper", "\0accepted for tini; pinit is a subreaper unless PID 1", nullptr},
    {kPdeathsig, "pdeathsig", "SIG\0signal pinit gets when its own parent dies", kSignalHint},
    {kPgroup, "pgroup", "\0forward signals to the child's process group", nullptr},
    {kRemapExit, "remap-exit", "CODE\0exit 0 when the child exits with CODE (repeatable)",
     "want 0 to 255"},
    {kWarnReap, "warn-reap", "\0warn about each reaped process that is not the child", nullptr},
    {kRewrite, "rewrite", "FROM:TO\0forward FROM as TO; TO=0 drops it (repeatable)",
     "want FROM:TO, two signals (TO may be 0); FROM not KILL, STOP or CHLD"},
    {kGrace, "grace", "SECS\0TERM first, KILL SECS (e.g. 2.5) later; default 0",
     "want seconds, e.g. 2 or 0.5"},
    {kNewNs, "new-ns", "[=LIST]\0run as PID 1 of new pid+mnt namespaces, and LIST's",
     "want a comma list of pid,mnt,user,uts,ipc,net,cgroup"},
    {kNoMountProc, "no-mount-proc", "\0with --new-ns: keep the inherited /proc", nullptr},
    {kHostname, "hostname", "NAME\0with --new-ns: a new uts namespace named NAME", nullptr},
    {kMapUser, "map-user", "\0in a user namespace: be yourself, not root", nullptr},
    {kRoot, "root", "DIR\0with --new-ns: pivot_root into DIR", nullptr},
    {kPidFile, "pid-file", "PATH\0with --new-ns: write the inner PID 1's host pid", nullptr},
    {kBind, "bind", "SRC[:DST]\0with --new-ns: host SRC at DST inside (repeatable)", kMountHint},
    {kRoBind, "ro-bind", "SRC[:DST]\0the same, read-only", kMountHint},
    {kTmpfs, "tmpfs", "DST\0with --new-ns: an empty tmpfs at DST (repeatable)",
     "want an absolute path"},
    {kReadOnly, "read-only", "\0with --new-ns: the root is read-only", nullptr},
    {kChdir, "chdir", "DIR\0with --new-ns: the command's working directory", nullptr},
    {kNoDev, "no-dev", "\0with --root: keep DIR's /dev, make no new one", nullptr},
    {kJoin, "join", "TARGET\0run in the namespaces of pid (or pid file) TARGET", nullptr},
    {kPause, "pause", "\0no COMMAND: reap zombies until TERM or INT", nullptr},
};
constexpr int kOptionCount = sizeof kOptions / sizeof kOptions[0];
static_assert(kOptionCount <= kMaxOptions);

constexpr EnvAlias kEnvAliases[] = {
    {kVerbose, "PINIT_VERBOSITY", "TINI_VERBOSITY"},
    {kSubreaper, "PINIT_SUBREAPER", "TINI_SUBREAPER"},
    {kPgroup, "PINIT_KILL_PROCESS_GROUP", "TINI_KILL_PROCESS_GROUP"},
    {kGrace, "PINIT_GRACE", nullptr},
};

// "+" stops at the first non-option (no permuting into the command's own options);
// ":" makes a missing argument distinguishable from an unknown option.
constexpr auto make_short_options() {
    std::array<char, 3 + 3 * kOptionCount> out{'+', ':'};
    int n = 2;
    for (const Spec& spec : kOptions) {
        if (spec.id > 0xff) continue;
        out[n++] = static_cast<char>(spec.id);
        if (spec.arg_name() != nullptr) out[n++] = ':';
        if (spec.arg_name() != nullptr && spec.arg_name()[0] == '[') out[n++] = ':';
    }
    return out;
}

constexpr auto kShortOptions = make_short_options();

}  // namespace

std::span<const Spec> specs() {
    return kOptions;
}
std::span<const EnvAlias> env_aliases() {
    return kEnvAliases;
}

const Spec* find(int id) {
    for (const Spec& spec : kOptions)
        if (spec.id == id) return &spec;
    return nullptr;
}

LongOptions long_options() {
    LongOptions out{};
    for (int i = 0; i < kOptionCount; ++i) {
        const char* arg = kOptions[i].arg_name();
        int has_arg = !arg ? no_argument : arg[0] == '[' ? optional_argument : required_argument;
        out[i] = {kOptions[i].long_name, has_arg, nullptr, kOptions[i].id};
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
    for (const Spec& spec : kOptions) {
        const char* line = p;
        char letter[] = {' ', ' ', '-', static_cast<char>(spec.id), ',', ' ', '\0'};
        put(spec.id <= 0xff ? letter : "      ");
        put("--");
        put(spec.long_name);
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
