#include "config.hpp"

#include <getopt.h>

#include <sched.h>

#include <csignal>

#include <string_view>

namespace pinit {

namespace {

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
};

// The one table behind getopt_long, --help and the error messages; an option takes an argument
// iff it has arg_name (an optional one if that starts with '['), and hint says what a valid
// argument looks like.
struct OptionSpec {
    int id;
    const char* long_name;
    const char* arg_name;
    const char* help;
    const char* hint;
};

constexpr const char* kSignalHint = "want a signal: TERM, SIGTERM, 15, RTMIN+3";

constexpr OptionSpec kOptions[] = {
    {kHelp, "help", nullptr, "show this help and exit", nullptr},
    {kVersion, "version", nullptr, "show the version and exit", nullptr},
    {kVerbose, "verbose", nullptr, "log more on stderr (repeat: -vv, -vvv)", "want 0 to 4"},
    {kSubreaper, "subreaper", nullptr, "accepted for tini; pinit is a subreaper unless PID 1",
     nullptr},
    {kPdeathsig, "pdeathsig", "SIG", "signal pinit gets when its own parent dies", kSignalHint},
    {kPgroup, "pgroup", nullptr, "forward signals to the child's process group", nullptr},
    {kRemapExit, "remap-exit", "CODE", "exit 0 when the child exits with CODE (repeatable)",
     "want 0 to 255"},
    {kWarnReap, "warn-reap", nullptr, "warn about each reaped process that is not the child",
     nullptr},
    {kRewrite, "rewrite", "FROM:TO", "forward FROM as TO; TO=0 drops it (repeatable)",
     "want FROM:TO, two signals (TO may be 0); FROM not KILL, STOP or CHLD"},
    {kGrace, "grace", "SECS", "TERM first, KILL SECS (e.g. 2.5) later; default 0",
     "want seconds, e.g. 2 or 0.5"},
    {kNewNs, "new-ns", "[=LIST]", "run as PID 1 of new pid+mnt namespaces, and LIST's",
     "want a comma list of pid,mnt,user,uts,ipc,net,cgroup"},
    {kNoMountProc, "no-mount-proc", nullptr, "with --new-ns: keep the inherited /proc", nullptr},
    {kHostname, "hostname", "NAME", "with --new-ns: a new uts namespace named NAME", nullptr},
    {kMapUser, "map-user", nullptr, "in a user namespace: be yourself, not root", nullptr},
    {kRoot, "root", "DIR", "with --new-ns: pivot_root into DIR", nullptr},
    {kPidFile, "pid-file", "PATH", "with --new-ns: write the inner PID 1's host pid", nullptr},
};
constexpr int kOptionCount = sizeof kOptions / sizeof kOptions[0];

const OptionSpec* find_option(int id) {
    for (const OptionSpec& spec : kOptions)
        if (spec.id == id) return &spec;
    return nullptr;
}

// Options that the environment can set too: pinit's name first, then tini's.
struct EnvAlias {
    int id;
    const char* name;
    const char* tini_name;
};

constexpr EnvAlias kEnvAliases[] = {
    {kVerbose, "PINIT_VERBOSITY", "TINI_VERBOSITY"},
    {kSubreaper, "PINIT_SUBREAPER", "TINI_SUBREAPER"},
    {kPgroup, "PINIT_KILL_PROCESS_GROUP", "TINI_KILL_PROCESS_GROUP"},
    {kGrace, "PINIT_GRACE", nullptr},
};

using LongOptions = std::array<option, kOptionCount + 1>;

LongOptions make_long_options() {
    LongOptions out{};
    for (int i = 0; i < kOptionCount; ++i) {
        const char* arg = kOptions[i].arg_name;
        int has_arg = !arg ? no_argument : arg[0] == '[' ? optional_argument : required_argument;
        out[i] = {kOptions[i].long_name, has_arg, nullptr, kOptions[i].id};
    }
    return out;
}

// "+" stops at the first non-option (no permuting into the command's own options);
// ":" makes a missing argument distinguishable from an unknown option.
constexpr auto make_short_options() {
    std::array<char, 3 + 3 * kOptionCount> out{'+', ':'};
    int n = 2;
    for (const OptionSpec& spec : kOptions) {
        if (spec.id > 0xff) continue;
        out[n++] = static_cast<char>(spec.id);
        if (spec.arg_name != nullptr) out[n++] = ':';
        if (spec.arg_name != nullptr && spec.arg_name[0] == '[') out[n++] = ':';
    }
    return out;
}

constexpr auto kShortOptions = make_short_options();

// Decimal integer in [lo, hi], nothing else.
bool parse_int(std::string_view text, long lo, long hi, long& out) {
    if (text.empty() || text.size() > 9) return false;
    long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    if (value < lo || value > hi) return false;
    out = value;
    return true;
}

// Decimal seconds with at most three decimals ("2", "0.5", ".25"), up to a million seconds.
bool parse_milliseconds(const char* text, std::uint32_t& out) {
    constexpr unsigned long kMaxMs = 1000000000UL;
    unsigned long ms = 0;
    int digits = 0, decimals = -1;  // -1: no '.' seen yet
    for (const char* c = text; *c != '\0'; ++c) {
        if (*c == '.' && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*c < '0' || *c > '9' || decimals == 3 || ms > kMaxMs) return false;
        ms = ms * 10 + static_cast<unsigned long>(*c - '0');
        ++digits;
        if (decimals >= 0) ++decimals;
    }
    for (int scale = decimals < 0 ? 0 : decimals; scale < 3; ++scale) ms *= 10;
    if (digits == 0 || ms > kMaxMs) return false;
    out = static_cast<std::uint32_t>(ms);
    return true;
}

// "uts,net": CLONE_NEW* flags added to config.namespaces; pid and mnt are always made.
bool parse_namespaces(const char* list, Config& config) {
    struct Name {
        const char* name;
        int flag;
    };
    static constexpr Name kNamespaces[] = {{"pid", 0},
                                           {"mnt", 0},
                                           {"user", CLONE_NEWUSER},
                                           {"uts", CLONE_NEWUTS},
                                           {"ipc", CLONE_NEWIPC},
                                           {"net", CLONE_NEWNET},
                                           {"cgroup", CLONE_NEWCGROUP}};
    for (std::string_view rest(list ? list : ""); !rest.empty();) {
        size_t comma = rest.find(',');
        std::string_view item(rest.data(), comma == std::string_view::npos ? rest.size() : comma);
        rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
        if (item.empty()) continue;  // "uts,", ",uts" and "" add nothing
        const Name* found = nullptr;
        for (const Name& ns : kNamespaces)
            if (item == ns.name) found = &ns;
        if (found == nullptr) return false;
        config.namespaces |= found->flag;
    }
    return true;
}

bool parse_rewrite(const char* spec, Config& config) {
    size_t colon = std::string_view(spec).find(':');
    if (colon == std::string_view::npos) return false;
    auto from = signals::parse({spec, colon});
    std::string_view to_text(spec + colon + 1);
    auto to = to_text == "0" ? std::optional<int>(0) : signals::parse(to_text);
    if (!from || !to || *from == SIGKILL || *from == SIGSTOP || *from == SIGCHLD) return false;
    config.rewrite.set(*from, *to);
    return true;
}

bool apply_namespace_option(int id, const char* value, Config& config) {
    config.new_ns = true;
    switch (id) {
    case kNewNs: return parse_namespaces(value, config);
    case kNoMountProc: config.mount_proc = false; return true;
    case kHostname:
        config.hostname = value;
        config.namespaces |= CLONE_NEWUTS;
        return true;
    case kMapUser: config.map_user = true; return true;
    case kRoot: config.root = value; return true;
    case kPidFile: config.pid_file = value; return true;
    default: return false;
    }
}

// Applies one option; value is optarg, or the variable's value when from_env. False: bad value.
bool apply(int id, const char* value, bool from_env, Config& config) {
    long number = 0;
    switch (id) {
    case kHelp: config.action = Action::help; return true;
    case kVersion: config.action = Action::version; return true;
    case kVerbose:
        if (!from_env) {
            ++config.verbosity;
            return true;
        }
        if (!parse_int(value, 0, 4, number)) return false;
        config.verbosity = static_cast<int>(number);
        return true;
    case kSubreaper: return true;  // pinit decides by itself (DESIGN.md §2)
    case kPgroup: config.pgroup = true; return true;
    case kWarnReap: config.warn_reap = true; return true;
    case kPdeathsig: {
        auto sig = signals::parse(value);
        config.pdeathsig = sig.value_or(0);
        return sig.has_value();
    }
    case kRemapExit:
        if (!parse_int(value, 0, 255, number)) return false;
        config.remap_to_zero[number] = true;
        return true;
    case kRewrite: return parse_rewrite(value, config);
    case kGrace: return parse_milliseconds(value, config.grace_ms);
    default: return apply_namespace_option(id, value, config);
    }
}

const char* find_env(char* const* envp, const char* name) {
    if (envp == nullptr || name == nullptr) return nullptr;
    std::string_view key(name);
    for (; *envp != nullptr; ++envp) {
        std::string_view entry(*envp);
        if (entry.size() > key.size() && entry.starts_with(key) && entry[key.size()] == '=')
            return *envp + key.size() + 1;
    }
    return nullptr;
}

// A flag variable is on when set to anything but "0" (tini: any value, even empty).
bool apply_environment(char* const* envp, Config& config, ParseError& error) {
    for (const EnvAlias& alias : kEnvAliases) {
        const char* name = alias.name;
        const char* value = find_env(envp, name);
        if (value == nullptr) value = find_env(envp, name = alias.tini_name);
        if (value == nullptr) continue;
        const OptionSpec* spec = find_option(alias.id);
        if (alias.id != kVerbose && spec->arg_name == nullptr && std::string_view(value) == "0")
            continue;
        if (!apply(alias.id, value, true, config)) {
            error = {"invalid value", value, name, false, spec->hint};
            return false;
        }
    }
    return true;
}

bool apply_arguments(int argc, char** argv, Config& config, ParseError& error) {
    optind = 0;  // full reset of getopt's state (glibc and musl), so parsing can repeat
    opterr = 0;  // pinit words the errors itself
    const LongOptions long_options = make_long_options();
    for (;;) {
        int id = getopt_long(argc, argv, kShortOptions.data(), long_options.data(), nullptr);
        if (id == -1) return true;
        const OptionSpec* spec = find_option(optopt);
        if (id == '?' && spec == nullptr && optopt != 0) {
            error = {"unknown option", nullptr,
                     nullptr,          false,
                     nullptr,          {'-', static_cast<char>(optopt)}};
            return false;
        }
        if (id == '?') {  // an unknown long option: both libcs step past it
            error = {"unknown option", argv[optind - 1]};
            return false;
        }
        if (id == ':') {  // where optind points now differs between libcs: name the option
            error = {"missing argument", nullptr, spec->long_name, true};
            return false;
        }
        if (!apply(id, optarg, false, config)) {
            spec = find_option(id);
            error = {"invalid value", optarg, spec->long_name, true, spec->hint};
            return false;
        }
    }
}

}  // namespace

ParseResult parse_config(int argc, char** argv, char* const* envp) {
    ParseResult result;
    if (!apply_environment(envp, result.config, result.error) ||
        !apply_arguments(argc, argv, result.config, result.error))
        return result;
    if (result.config.action == Action::run) {
        if (optind >= argc)
            result.error.what = "missing command";
        else
            result.config.command = argv + optind;
    }
    return result;
}

const char* usage_text() {
    constexpr int kHelpColumn = 28;
    static char text[2048];
    char* p = text;
    char* const end = text + sizeof text - 1;
    auto put = [&p, end](const char* piece) {
        while (*piece != '\0' && p < end) *p++ = *piece++;
    };
    put("Usage: pinit [OPTION]... [--] COMMAND [ARG]...\n"
        "Run COMMAND as the child of a tiny init: forward every signal to it, reap every\n"
        "zombie, and exit with its status (128+N if it died of signal N).\n\n");
    for (const OptionSpec& spec : kOptions) {
        const char* line = p;
        char letter[] = {' ', ' ', '-', static_cast<char>(spec.id), ',', ' ', '\0'};
        put(spec.id <= 0xff ? letter : "      ");
        put("--");
        put(spec.long_name);
        if (spec.arg_name != nullptr && spec.arg_name[0] != '[') put(" ");
        if (spec.arg_name != nullptr) put(spec.arg_name);
        do put(" ");
        while (p - line < kHelpColumn);
        put(spec.help);
        put("\n");
    }
    put("\nSignals: TERM, SIGTERM, 15, RTMIN+3, any case.\n"
        "Environment: PINIT_VERBOSITY, PINIT_SUBREAPER, PINIT_KILL_PROCESS_GROUP\n"
        "(or tini's TINI_* names for these three), PINIT_GRACE.\n"
        "Exit: the child's status; 125 pinit failed; 126 COMMAND not executable;\n"
        "127 COMMAND not found.\n");
    *p = '\0';
    return text;
}

}  // namespace pinit
