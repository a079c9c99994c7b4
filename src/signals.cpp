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

bool equal_nocase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (upper(a[i]) != b[i]) return false;
    return true;
}

bool starts_nocase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && equal_nocase({text.data(), prefix.size()}, prefix);
}

// Decimal 0..kMax with no sign, no leading junk; nullopt otherwise.
std::optional<int> parse_small_number(std::string_view text) {
    if (text.empty() || text.size() > 2) return std::nullopt;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<int> in_range(std::optional<int> sig) {
    if (sig && *sig >= 1 && *sig <= kMax) return sig;
    return std::nullopt;
}

// "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (text already without "SIG").
std::optional<int> parse_realtime(std::string_view text) {
    bool from_min = starts_nocase(text, "RTMIN");
    if (!from_min && !starts_nocase(text, "RTMAX")) return std::nullopt;
    std::string_view rest = text;
    rest.remove_prefix(5);
    int base = from_min ? kRtMin : kRtMax;
    if (rest.empty()) return base;
    if (rest[0] != (from_min ? '+' : '-')) return std::nullopt;
    rest.remove_prefix(1);
    auto offset = parse_small_number(rest);
    if (!offset || *offset > kRtMax - kRtMin) return std::nullopt;
    return from_min ? base + *offset : base - *offset;
}

}  // namespace

std::optional<int> parse(std::string_view text) {
    if (auto number = parse_small_number(text)) return in_range(number);
    if (starts_nocase(text, "SIG")) text.remove_prefix(3);
    for (int slot = 1; slot < kSlotCount; ++slot)
        if (equal_nocase(text, table_name(slot)))
            return slot < kNamedCount ? slot : kAliasSignals[slot - kNamedCount];
    return parse_realtime(text);
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
