#include "config.hpp"

#include "options.hpp"
#include "text.hpp"

#include <getopt.h>

#include <sched.h>

#include <csignal>

#include <string_view>

namespace pinit {

namespace {

using namespace options;  // the Id names: kHelp, kVerbose, ...

constexpr int kMaxVerbosity = 4;  // trace (DESIGN.md §6)

// Decimal integer in [lo, hi], nothing else.
bool parse_int(const char* text, long lo, long hi, long& out) {
    long value = 0;
    int digits = 0;
    for (; *text >= '0' && *text <= '9'; ++text, ++digits) {
        if (digits == 9) return false;  // out of any range, and no overflow
        value = value * 10 + (*text - '0');
    }
    if (digits == 0 || *text != '\0' || value < lo || value > hi) return false;
    out = value;
    return true;
}

// tini reads TINI_VERBOSITY with atoi: leading blanks and a sign, then digits, the rest ignored
// ("abc" and "" are 0). A container that set one must still start, so it is clamped, not refused.
int parse_tini_verbosity(const char* text) {
    while (*text == ' ' || (*text >= '\t' && *text <= '\r')) ++text;
    bool negative = *text == '-';
    if (*text == '-' || *text == '+') ++text;
    int value = 0;
    for (; *text >= '0' && *text <= '9' && value < kMaxVerbosity; ++text)  // bounded: no overflow
        value = value * 10 + (*text - '0');
    if (negative) return 0;
    return value < kMaxVerbosity ? value : kMaxVerbosity;
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
        char name[7];  // in place: no pointer table
        int flag;
    };
    static constexpr Name kNamespaces[] = {{"pid", 0},
                                           {"mnt", 0},
                                           {"user", CLONE_NEWUSER},
                                           {"uts", CLONE_NEWUTS},
                                           {"ipc", CLONE_NEWIPC},
                                           {"net", CLONE_NEWNET},
                                           {"cgroup", CLONE_NEWCGROUP}};
    for (const char* item = list ? list : ""; *item != '\0';) {
        const char* end = find_first(item, ',');
        if (end == nullptr) end = item + __builtin_strlen(item);
        const Name* found = nullptr;
        for (const Name& ns : kNamespaces)
            if (std::string_view(item, end - item) == ns.name) found = &ns;
        if (found == nullptr && end != item) return false;  // "uts,", ",uts" and "" add nothing
        if (found != nullptr) config.namespaces |= found->flag;
        item = *end == ',' ? end + 1 : end;
    }
    return true;
}

bool parse_rewrite(const char* spec, Config& config) {
    const char* colon = find_first(spec, ':');
    if (colon == nullptr) return false;
    auto from = signals::parse({spec, static_cast<size_t>(colon - spec)});
    const char* to_text = colon + 1;
    auto to = __builtin_strcmp(to_text, "0") == 0 ? std::optional<int>(0) : signals::parse(to_text);
    if (!from || !to || *from == SIGKILL || *from == SIGSTOP || *from == SIGCHLD) return false;
    config.rewrite.set(*from, *to);
    return true;
}

// "SRC[:DST]" (DST defaults to SRC) or, for tmpfs, "DST"; DST must be absolute, SRC not empty.
bool add_mount(Mount::Kind kind, const char* arg, Config& config) {
    const char* colon = kind == Mount::Kind::tmpfs ? nullptr : find_first(arg, ':');
    const char* dst = colon ? colon + 1 : arg;
    int src_len = static_cast<int>(colon ? colon - arg : __builtin_strlen(arg));
    if (config.mount_count == kMaxMounts || *dst != '/' || src_len == 0) return false;
    config.mounts[config.mount_count++] = {kind, arg, src_len, dst};
    return true;
}

bool apply_namespace_option(int id, const char* value, Config& config) {
    if (id != kChdir && id != kJoin && id != kPause) config.new_ns = true;  // --chdir: below
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
    case kBind: return add_mount(Mount::Kind::bind, value, config);
    case kRoBind: return add_mount(Mount::Kind::ro_bind, value, config);
    case kTmpfs: return add_mount(Mount::Kind::tmpfs, value, config);
    case kReadOnly: config.read_only = true; return true;
    case kChdir: config.chdir = value; return true;
    case kNoDev: config.make_dev = false; return true;
    case kJoin: config.join = value; return true;
    case kPause: config.pause = true; return true;
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
        if (!parse_int(value, 0, kMaxVerbosity, number)) return false;
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
    case kStatusFd:
        if (!parse_int(value, 3, 1 << 20, number)) return false;
        config.status_fd = static_cast<int>(number);
        return true;
    default: return apply_namespace_option(id, value, config);
    }
}

// A flag variable is on when set to anything but "0" (tini: any value, even empty).
bool apply_environment(char* const* envp, Config& config, ParseError& error) {
    for (const EnvAlias& alias : env_aliases()) {
        const char* name = alias.name;
        const char* value = find_env(envp, name);
        if (value == nullptr) value = find_env(envp, name = alias.tini_name);
        if (value == nullptr) continue;
        if (alias.id == kVerbose && name == alias.tini_name) {
            config.verbosity = parse_tini_verbosity(value);
            continue;
        }
        Spec spec = find(alias.id);
        if (alias.id != kVerbose && spec.arg_name() == nullptr && __builtin_strcmp(value, "0") == 0)
            continue;
        if (!apply(alias.id, value, true, config)) {
            error = {"invalid value", value, name, false, spec.hint()};
            return false;
        }
    }
    return true;
}

bool apply_arguments(int argc, char** argv, Config& config, ParseError& error) {
    optind = 0;  // full reset of getopt's state (glibc and musl), so parsing can repeat
    opterr = 0;  // pinit words the errors itself
    const LongOptions long_opts = long_options();
    for (;;) {
        int id = getopt_long(argc, argv, short_options(), long_opts.data(), nullptr);
        if (id == -1) return true;
        Spec spec = find(optopt);
        if (id == '?' && !spec.ok() && optopt != 0) {
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
            error = {"missing argument", nullptr, spec.long_name(), true};
            return false;
        }
        if (!apply(id, optarg, false, config)) {
            spec = find(id);
            error = {"invalid value", optarg, spec.long_name(), true, spec.hint()};
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
    Config& config = result.config;
    if (config.join && config.new_ns) {
        result.error.what = "--join cannot be combined with --new-ns or its options";
        return result;
    }
    if (config.chdir && !config.join) config.new_ns = true;
    if (config.action != Action::run) return result;
    if (config.pause != (optind >= argc))
        result.error.what = config.pause ? "--pause takes no command" : "missing command";
    else if (!config.pause)
        config.command = argv + optind;
    return result;
}

}  // namespace pinit
