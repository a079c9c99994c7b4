#include "signals.hpp"

#include <csignal>

namespace pinit::signals {

namespace {

// Index = signal number; Linux x86_64 numbering (as <signal.h> on every libc there), then the
// aliases that parse() accepts too. Packed in fixed-width slots: no pointers, so no
// relocations, in a binary with a size budget.
constexpr int kNameWidth = 7;
constexpr int kNamedCount = 32;
constexpr char kNames[] =
    "\0      HUP\0   INT\0   QUIT\0  ILL\0   TRAP\0  ABRT\0  BUS\0   FPE\0   KILL\0  "
    "USR1\0  SEGV\0  USR2\0  PIPE\0  ALRM\0  TERM\0  STKFLT\0CHLD\0  CONT\0  STOP\0  "
    "TSTP\0  TTIN\0  TTOU\0  URG\0   XCPU\0  XFSZ\0  VTALRM\0PROF\0  WINCH\0 IO\0    "
    "PWR\0   SYS\0   "
    "IOT\0   CLD\0   POLL\0  UNUSED\0";
constexpr char kAliasSignals[] = {SIGABRT, SIGCHLD, SIGPOLL, SIGSYS};
constexpr int kSlotCount = kNamedCount + sizeof kAliasSignals;
static_assert(sizeof kNames == kNameWidth * kSlotCount + 1);

std::string_view table_name(int slot) {
    return kNames + slot * kNameWidth;
}

char upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Decimal 0..99 up to the NUL, no sign, no leading junk; -1 otherwise.
int small_number(const char* text) {
    int value = 0, digits = 0;
    for (; *text >= '0' && *text <= '9' && digits < 3; ++text, ++digits)  // bounded: no overflow
        value = value * 10 + (*text - '0');
    return *text == '\0' && digits >= 1 && digits <= 2 ? value : -1;
}

}  // namespace

std::optional<int> parse(std::string_view text) {
    // An upper-case, NUL-terminated copy, compared as C strings; the longest name that can be
    // valid, "SIGRTMIN+30", has 11 characters.
    char upper_text[12] = {};
    if (text.size() >= sizeof upper_text) return std::nullopt;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\0') return std::nullopt;
        upper_text[i] = upper(text[i]);
    }
    int sig = small_number(upper_text);
    const char* rest = upper_text;
    if (sig < 0 && __builtin_memcmp(rest, "SIG", 3) == 0) rest += 3;
    for (int slot = 1; sig < 0 && slot < kSlotCount; ++slot)
        if (__builtin_strcmp(rest, kNames + slot * kNameWidth) == 0)
            sig = slot < kNamedCount ? slot : kAliasSignals[slot - kNamedCount];
    // "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N".
    bool from_min = __builtin_memcmp(rest, "RTMIN", 5) == 0;
    if (sig < 0 && (from_min || __builtin_memcmp(rest, "RTMAX", 5) == 0)) {
        rest += 5;
        int offset = *rest == '\0'                     ? 0
                     : *rest == (from_min ? '+' : '-') ? small_number(rest + 1)
                                                       : -1;
        if (offset >= 0 && offset <= kRtMax - kRtMin)
            sig = from_min ? kRtMin + offset : kRtMax - offset;
    }
    if (sig >= 1 && sig <= kMax) return sig;
    return std::nullopt;
}

Name name(int sig) {
    Name out{};
    auto put = [&out](std::string_view base, int number) {
        size_t n = 0;
        for (char c : base) out.text[n++] = c;
        if (number >= 10) out.text[n++] = static_cast<char>('0' + number / 10);
        if (number >= 0) out.text[n++] = static_cast<char>('0' + number % 10);
    };
    if (sig >= 1 && sig < kNamedCount)
        put(table_name(sig), -1);
    else if (sig < kRtMin || sig > kRtMax)
        put("", sig);
    else if (sig == kRtMin)
        put("RTMIN", -1);
    else if (sig == kRtMax)
        put("RTMAX", -1);
    else if (sig - kRtMin <= (kRtMax - kRtMin) / 2)
        put("RTMIN+", sig - kRtMin);
    else
        put("RTMAX-", kRtMax - sig);
    return out;
}

}  // namespace pinit::signals
