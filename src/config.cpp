#include "config.hpp"

#include <getopt.h>

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
};

// The one table behind getopt_long and --help; an option takes an argument iff it has arg_name.
struct OptionSpec {
    int id;
    const char* long_name;
    const char* arg_name;
    const char* help;
};

constexpr OptionSpec kOptions[] = {
    {kHelp, "help", nullptr, "show this help and exit"},
    {kVersion, "version", nullptr, "show the version and exit"},
    {kVerbose, "verbose", nullptr, "log more on stderr (repeat: -vv, -vvv)"},
    {kSubreaper, "subreaper", nullptr, "accepted for tini; pinit is a subreaper unless PID 1"},
    {kPdeathsig, "pdeathsig", "SIG", "signal pinit gets when its own parent dies"},
    {kPgroup, "pgroup", nullptr, "forward signals to the child's process group"},
    {kRemapExit, "remap-exit", "CODE", "exit 0 when the child exits with CODE (repeatable)"},
    {kWarnReap, "warn-reap", nullptr, "warn about each reaped process that is not the child"},
    {kRewrite, "rewrite", "FROM:TO", "forward signal FROM as TO; TO=0 drops it (repeatable)"},
};
constexpr int kOptionCount = sizeof kOptions / sizeof kOptions[0];

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
};

using LongOptions = std::array<option, kOptionCount + 1>;

LongOptions make_long_options() {
    LongOptions out{};
    for (int i = 0; i < kOptionCount; ++i) {
        int has_arg = kOptions[i].arg_name ? required_argument : no_argument;
        out[i] = {kOptions[i].long_name, has_arg, nullptr, kOptions[i].id};
    }
    return out;
}

// "+" stops at the first non-option (no permuting into the command's own options);
// ":" makes a missing argument distinguishable from an unknown option.
constexpr auto make_short_options() {
    std::array<char, 3 + 2 * kOptionCount> out{'+', ':'};
    int n = 2;
    for (const OptionSpec& spec : kOptions) {
        if (spec.id > 0xff) continue;
        out[n++] = static_cast<char>(spec.id);
        if (spec.arg_name != nullptr) out[n++] = ':';
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

ParseError fail(const char* what, const char* arg, const char* hint = nullptr) {
    ParseError error;
    error.what = what;
    error.arg = arg;
    error.hint = hint;
    return error;
}

ParseError parse_rewrite(const char* text, Config& config) {
    std::string_view spec(text);
    size_t colon = spec.find(':');
    if (colon == std::string_view::npos) return fail("invalid rewrite", text, "want FROM:TO");
    auto from = signals::parse({text, colon});
    std::string_view to_text(text + colon + 1);
    auto to = to_text == "0" ? std::optional<int>(0) : signals::parse(to_text);
    if (!from || !to) return fail("invalid signal in rewrite", text);
    if (*from == 9 || *from == 19 || *from == 17)
        return fail("cannot rewrite", text, "KILL, STOP and CHLD are never forwarded");
    config.rewrite.set(*from, *to);
    return {};
}

// Applies one option; value is optarg, or the variable's value when from_env.
ParseError apply(int id, const char* value, bool from_env, Config& config) {
    long number = 0;
    switch (id) {
    case kHelp: config.action = Action::help; break;
    case kVersion: config.action = Action::version; break;
    case kVerbose:
        if (!from_env) {
            ++config.verbosity;
        } else if (parse_int(value, 0, 4, number)) {
            config.verbosity = static_cast<int>(number);
        } else {
            return fail("invalid verbosity", value, "want 0 to 4");
        }
        break;
    case kSubreaper: break;  // pinit decides by itself (DESIGN.md §2)
    case kPgroup: config.pgroup = true; break;
    case kWarnReap: config.warn_reap = true; break;
    case kPdeathsig:
        if (auto sig = signals::parse(value))
            config.pdeathsig = *sig;
        else
            return fail("invalid signal", value);
        break;
    case kRemapExit:
        if (!parse_int(value, 0, 255, number)) return fail("invalid exit code", value, "want 0 to 255");
        config.remap_to_zero[number] = true;
        break;
    case kRewrite: return parse_rewrite(value, config);
    default: return fail("unhandled option", value);
    }
    return {};
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
ParseError apply_environment(char* const* envp, Config& config) {
    for (const EnvAlias& alias : kEnvAliases) {
        const char* name = alias.name;
        const char* value = find_env(envp, name);
        if (value == nullptr) value = find_env(envp, name = alias.tini_name);
        if (value == nullptr) continue;
        if (alias.id != kVerbose && std::string_view(value) == "0") continue;
        ParseError error = apply(alias.id, value, true, config);
        if (error.what != nullptr) return fail("invalid value of", name, error.hint);
    }
    return {};
}

void set_option_text(ParseError& error, std::string_view dashes, std::string_view name) {
    size_t n = 0;
    for (char c : dashes) error.option[n++] = c;
    for (char c : name)
        if (n + 1 < sizeof error.option) error.option[n++] = c;
}

ParseError unknown_option(char** argv) {
    ParseError error = fail("unknown option", nullptr);
    char letter = static_cast<char>(optopt);
    if (optopt != 0 && optopt <= 0xff)
        set_option_text(error, "-", {&letter, 1});
    else
        error.arg = argv[optind - 1];  // an unknown long option: both libcs step past it
    return error;
}

// Named by the option's long form: where optind points after this error differs between libcs.
ParseError missing_argument() {
    ParseError error = fail("missing argument for", nullptr);
    for (const OptionSpec& spec : kOptions)
        if (spec.id == optopt) set_option_text(error, "--", spec.long_name);
    return error;
}

ParseError apply_arguments(int argc, char** argv, Config& config) {
    optind = 0;  // full reset of getopt's state (glibc and musl), so parsing can repeat
    opterr = 0;  // pinit words the errors itself
    const LongOptions long_options = make_long_options();
    for (;;) {
        int id = getopt_long(argc, argv, kShortOptions.data(), long_options.data(), nullptr);
        if (id == -1) return {};
        if (id == '?') return unknown_option(argv);
        if (id == ':') return missing_argument();
        ParseError error = apply(id, optarg, false, config);
        if (error.what != nullptr) return error;
    }
}

}  // namespace

ParseResult parse_config(int argc, char** argv, char* const* envp) {
    ParseResult result;
    result.error = apply_environment(envp, result.config);
    if (result.error.what != nullptr) return result;
    result.error = apply_arguments(argc, argv, result.config);
    if (result.error.what != nullptr) return result;
    if (result.config.action == Action::run) {
        if (optind >= argc) {
            result.error = fail("missing command", nullptr);
            return result;
        }
        result.config.command = argv + optind;
    }
    return result;
}

namespace {

void append(char* buf, size_t cap, size_t& len, std::string_view text) {
    for (char c : text)
        if (len + 1 < cap) buf[len++] = c;
    buf[len] = '\0';
}

void append_option_line(char* buf, size_t cap, size_t& len, const OptionSpec& spec) {
    constexpr size_t kHelpColumn = 28;
    size_t start = len;
    char letter[] = {'-', static_cast<char>(spec.id), ',', ' ', '\0'};
    append(buf, cap, len, spec.id <= 0xff ? std::string_view(letter) : "    ");
    append(buf, cap, len, "--");
    append(buf, cap, len, spec.long_name);
    if (spec.arg_name != nullptr) {
        append(buf, cap, len, " ");
        append(buf, cap, len, spec.arg_name);
    }
    do append(buf, cap, len, " ");
    while (len - start < kHelpColumn - 2);
    append(buf, cap, len, spec.help);
    append(buf, cap, len, "\n");
}

}  // namespace

const char* usage_text() {
    static char text[2048];
    size_t len = 0;
    append(text, sizeof text, len,
           "Usage: pinit [OPTION]... [--] COMMAND [ARG]...\n"
           "Run COMMAND as the child of a tiny init: forward every signal to it, reap every\n"
           "zombie, and exit with its status (128+N if it died of signal N).\n\n");
    for (const OptionSpec& spec : kOptions) {
        append(text, sizeof text, len, "  ");
        append_option_line(text, sizeof text, len, spec);
    }
    append(text, sizeof text, len,
           "\nSignals: TERM, SIGTERM, 15, RTMIN+3, any case. Environment: PINIT_VERBOSITY,\n"
           "PINIT_SUBREAPER, PINIT_KILL_PROCESS_GROUP, and tini's TINI_* names for them.\n"
           "Exit: the child's status; 125 pinit failed; 126 COMMAND not executable;\n"
           "127 COMMAND not found.\n");
    return text;
}

}  // namespace pinit
