// pinit: a tiny init for containers and namespaces. See DESIGN.md and pinit.1.
#include <sys/prctl.h>
#include <unistd.h>

#include "channel.hpp"
#include "config.hpp"
#include "env.hpp"
#include "fd.hpp"
#include "log.hpp"
#include "namespaces.hpp"
#include "options.hpp"
#include "result.hpp"
#include "sigstate.hpp"
#include "spawn.hpp"
#include "status.hpp"
#include "supervisor.hpp"
#include "sys.hpp"

#ifndef PINIT_VERSION
#define PINIT_VERSION "0.0.0-dev"
#endif
#ifndef PINIT_COMMIT
#define PINIT_COMMIT "unknown"
#endif
#ifdef __GLIBC__
#define PINIT_LIBC "glibc"
#else
#define PINIT_LIBC "musl"
#endif

// musl's getopt prints its messages through stdio, the only stdio pinit would link (DESIGN.md §6
// says none): 2.6 KB of the size budget. pinit sets opterr = 0 and words its own errors, so the
// printer never runs; the musl link (flags.mk) points musl's internal __getopt_msg at this empty
// function, and exit's stdio flush too: with nothing ever written through stdio, there is
// nothing to flush (packaging.size_budget fails the tests if stdio is ever linked in).
extern "C" void pinit_no_stdio();
extern "C" void pinit_no_stdio() {}

#ifndef __GLIBC__
// musl's getopt reads option letters with mbtowc; pinit's are ASCII, and so is every byte this
// one decodes (musl's handles UTF-8 in 0.4 KB). A multibyte letter is an unknown option either
// way.
extern "C" int mbtowc(wchar_t* wc, const char* s, size_t n);
extern "C" int mbtowc(wchar_t* wc, const char* s, size_t n) {
    if (s == nullptr) return 0;  // no shift state
    if (n == 0) return -1;
    *wc = static_cast<unsigned char>(*s);
    return *s != '\0';
}

// Byte loops for the few short strings and copies pinit and musl's start-up handle: musl's
// word-at-a-time strlen, memcpy and memset are 0.7 KB on arm64. The attribute keeps gcc from
// turning the loops back into calls.
extern "C" [[gnu::optimize("no-tree-loop-distribute-patterns")]] size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0') ++n;
    return n;
}
extern "C" [[gnu::optimize("no-tree-loop-distribute-patterns")]] void* memcpy(
    void* __restrict to, const void* __restrict from, size_t n) {
    auto* d = static_cast<unsigned char*>(to);
    for (auto* s = static_cast<const unsigned char*>(from); n-- > 0;) *d++ = *s++;
    return to;
}
extern "C" [[gnu::optimize("no-tree-loop-distribute-patterns")]] void* memset(void* to, int c,
                                                                              size_t n) {
    for (auto* d = static_cast<unsigned char*>(to); n-- > 0;) *d++ = static_cast<unsigned char>(c);
    return to;
}
#endif

namespace {

int usage_error(const pinit::ParseError& error) {
    const char* value = error.value_text();
    pinit::log::say(pinit::log::kError, "%s%s%s%s%s%s%s%s%s", error.what, value ? " '" : "",
                    value ? value : "", value ? "'" : "", error.subject ? " for " : "",
                    error.subject_is_option ? "--" : "", error.subject ? error.subject : "",
                    error.hint ? ": " : "", error.hint ? error.hint : "");
    (void)pinit::log::write_all(STDERR_FILENO, "Try 'pinit --help'.\n");
    return pinit::kExitOwnFailure;
}

// What both roles start with: fds 0-2 held, the signals taken over before any child exists (so
// none sent to pinit is lost), and -p, pinit's own parent-death signal (the launcher's, with
// --new-ns; PID 1 inside dies with the launcher anyway).
int run(const pinit::Config& config) {
    using namespace pinit;
    fds::reserve_standard();
    int status_fd = config.status_fd;
    if (status_fd >= 0 && !status::claim(status_fd)) {
        log::say(log::kError, "--json-status-fd %d: %m", status_fd);
        return kExitOwnFailure;
    }
    channel::Handover handover;
    if (sigstate::take_over(handover.caller) < 0) {
        log::say(log::kError, "block signals: %m");
        return kExitOwnFailure;
    }
    handover.terminal_is_ours = pinit::group_holds_terminal();
    // Socket activation through pinit (catatonit#13): LISTEN_PID names pinit, so the command,
    // which gets the sockets, gets its own pid there instead (in --new-ns, as seen inside).
    if (char* const* listen_pid = find_env_entry(environ, "LISTEN_PID")) {
        char own[24];
        pinit::format_listen_pid(own);
        if (__builtin_strcmp(*listen_pid, own) == 0)
            handover.listen_pid = const_cast<char**>(listen_pid);
    }
    if (config.pdeathsig != 0 && pinit::sys::prctl(PR_SET_PDEATHSIG, config.pdeathsig) < 0)
        log::say(log::kWarn, "set parent-death signal: %m");
    int code = config.new_ns || config.join ? namespaces::launch(config, handover)
                                            : supervisor::run(config, handover);
    if (status_fd >= 0) status::exited(status_fd, code);
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    pinit::ParseResult parsed = pinit::parse_config(argc, argv, environ);
    if (!parsed.ok()) return usage_error(parsed.error);
    const pinit::Config& config = parsed.config;
    pinit::log::set_verbosity(config.verbosity);
    switch (config.action) {
    case pinit::Action::help:
        return pinit::log::write_all(STDOUT_FILENO, pinit::options::usage_text()) ? 0 : 1;
    case pinit::Action::version:
        // " - git.COMMIT" is where `docker info` looks for an init's commit (moby's
        // parseInitVersion); without it dockerd warns that it cannot parse the output.
        return pinit::log::write_all(STDOUT_FILENO, "pinit " PINIT_VERSION " (" PINIT_LIBC
                                                    ", static) - git." PINIT_COMMIT "\n")
                   ? 0
                   : 1;
    case pinit::Action::run: return run(config);
    }
    return pinit::kExitOwnFailure;
}
