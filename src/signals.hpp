// Signal names <-> numbers, the masks pinit uses, and the -r rewrite table. Pure: no syscalls.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pinit::signals {

inline constexpr int kMax = 64;  // the kernel's _NSIG - 1 on Linux
// Real-time numbering as glibc, bash, procps kill and Docker count it (RTMIN = 34), whatever
// libc pinit is built with (musl reserves three and says 35), so `-r RTMIN+3:TERM` means what
// `kill -s RTMIN+3` means in the caller's shell.
inline constexpr int kRtMin = 34;
inline constexpr int kRtMax = kMax;

// A signal set as the kernel's rt_sigprocmask and signalfd4 see it: bit (sig - 1).
using Mask = std::uint64_t;
constexpr Mask bit(int sig) {
    return Mask{1} << (sig - 1);
}

// Every signal pinit may block: all but KILL and STOP. Faults the kernel raises in pinit itself
// (SEGV, BUS, ...) still kill it while blocked (force_sig), so only a kill(2) of one is forwarded.
constexpr Mask kBlockable = ~(bit(9) | bit(19));

// Parses "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3", "RTMAX-2"; nullopt if not 1..kMax.
std::optional<int> parse(std::string_view text);

// The canonical name without "SIG" ("TERM", "RTMIN+3"), or the number for 32 and 33.
struct Name {
    char text[12];
    std::string_view view() const { return text; }
};
Name name(int sig);

// Forward signal FROM as TO; TO = 0 drops it (dumb-init -r).
class RewriteTable {
public:
    constexpr RewriteTable() {
        for (int sig = 0; sig <= kMax; ++sig) to_[sig] = static_cast<std::uint8_t>(sig);
    }
    constexpr void set(int from, int to) { to_[from] = static_cast<std::uint8_t>(to); }
    constexpr int map(int sig) const { return sig >= 1 && sig <= kMax ? to_[sig] : sig; }

private:
    std::array<std::uint8_t, kMax + 1> to_{};
};

}  // namespace pinit::signals
