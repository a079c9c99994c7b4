// Signal names <-> numbers as users type them for -p and -r, and the rewrite table (DESIGN.md §1).
#include "signals.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

namespace pinit::signals {
namespace {

TEST(Signals, ParseAcceptsNamesWithOrWithoutSigInAnyCase) {
    for (std::string_view text : {"TERM", "SIGTERM", "sigterm", "Term", "SigTerm", "term"})
        EXPECT_EQ(parse(text), 15) << text;
}

TEST(Signals, ParseAcceptsDecimalNumbers) {
    EXPECT_EQ(parse("15"), 15);
    EXPECT_EQ(parse("1"), 1);
    EXPECT_EQ(parse("64"), 64);
}

TEST(Signals, ParseAcceptsEveryClassicName) {
    struct Case {
        std::string_view name;
        int sig;
    };
    // Linux x86_64 numbering, as kill -l prints it.
    const Case cases[] = {
        {"HUP", 1},   {"INT", 2},     {"QUIT", 3},  {"ILL", 4},     {"TRAP", 5},  {"ABRT", 6},
        {"BUS", 7},   {"FPE", 8},     {"KILL", 9},  {"USR1", 10},   {"SEGV", 11}, {"USR2", 12},
        {"PIPE", 13}, {"ALRM", 14},   {"TERM", 15}, {"STKFLT", 16}, {"CHLD", 17}, {"CONT", 18},
        {"STOP", 19}, {"TSTP", 20},   {"TTIN", 21}, {"TTOU", 22},   {"URG", 23},  {"XCPU", 24},
        {"XFSZ", 25}, {"VTALRM", 26}, {"PROF", 27}, {"WINCH", 28},  {"IO", 29},   {"PWR", 30},
        {"SYS", 31},
    };
    for (const Case& c : cases) EXPECT_EQ(parse(c.name), c.sig) << c.name;
}

TEST(Signals, ParseAcceptsTheTraditionalAliases) {
    EXPECT_EQ(parse("IOT"), 6);
    EXPECT_EQ(parse("SIGIOT"), 6);
    EXPECT_EQ(parse("CLD"), 17);
    EXPECT_EQ(parse("sigcld"), 17);
    EXPECT_EQ(parse("POLL"), 29);
}

TEST(Signals, ParseCountsRealtimeFromRtmin34AsBashAndDockerDo) {
    EXPECT_EQ(parse("RTMIN"), 34);
    EXPECT_EQ(parse("RTMIN+5"), 39);
    EXPECT_EQ(parse("RTMAX"), 64);
    EXPECT_EQ(parse("RTMAX-2"), 62);
    EXPECT_EQ(parse("sigrtmin+3"), 37);
    EXPECT_EQ(parse("SIGRTMAX-0"), 64);
    EXPECT_EQ(parse("RTMIN+30"), 64);
    EXPECT_EQ(parse("RTMAX-30"), 34);
}

TEST(Signals, ParseRejectsWhatIsNotASignal) {
    for (std::string_view text :
         {"",         "0",          "65",      "99",     "100",     "-1",      "RTMIN+31",
          "RTMAX-31", "RTMIN-1",    "RTMAX+1", "RTMIN+", "RTMIN+x", "RTMINUS", "FOO",
          "SIG",      "SIGSIGTERM", "+3",      " TERM",  "TERM ",   "TE RM",   "15x"})
        EXPECT_EQ(parse(text), std::nullopt) << '"' << text << '"';
}

TEST(Signals, ParseDoesNotReadPastTheView) {
    // -r FROM:TO parses FROM as a view into "TERM:INT" without a NUL after it.
    std::string_view whole = "TERMINATE";
    EXPECT_EQ(parse(whole.substr(0, 4)), 15);
    EXPECT_EQ(parse(std::string_view("15:2").substr(0, 2)), 15);
}

TEST(Signals, NameGivesTheCanonicalNameWithoutSig) {
    EXPECT_EQ(name(15).view(), "TERM");
    EXPECT_EQ(name(1).view(), "HUP");
    EXPECT_EQ(name(9).view(), "KILL");
    EXPECT_EQ(name(31).view(), "SYS");
    EXPECT_EQ(name(34).view(), "RTMIN");
    EXPECT_EQ(name(64).view(), "RTMAX");
    EXPECT_EQ(name(40).view(), "RTMIN+6");
    EXPECT_EQ(name(49).view(), "RTMIN+15");
    EXPECT_EQ(name(50).view(), "RTMAX-14");
    EXPECT_EQ(name(60).view(), "RTMAX-4");
}

TEST(Signals, NameOfTheGlibcReservedSignalsIsTheirNumber) {
    // 32 and 33 have no name: glibc keeps them for NPTL and shifts SIGRTMIN past them.
    EXPECT_EQ(name(32).view(), "32");
    EXPECT_EQ(name(33).view(), "33");
}

TEST(Signals, NameAndParseRoundTripForEverySignal) {
    for (int sig = 1; sig <= kMax; ++sig) EXPECT_EQ(parse(name(sig).view()), sig) << sig;
}

TEST(Signals, NameIsNulTerminatedWithinItsBuffer) {
    for (int sig = 1; sig <= kMax; ++sig) {
        Name n = name(sig);
        EXPECT_LT(n.view().size(), sizeof n.text) << sig;
    }
}

TEST(Signals, MaskHasOneBitPerSignalAndNeverBlocksKillOrStop) {
    EXPECT_EQ(bit(1), Mask{1});
    EXPECT_EQ(bit(64), Mask{1} << 63);
    EXPECT_EQ(kBlockable & bit(9), Mask{0});
    EXPECT_EQ(kBlockable & bit(19), Mask{0});
    EXPECT_NE(kBlockable & bit(15), Mask{0});
    EXPECT_NE(kBlockable & bit(17), Mask{0});
}

TEST(Signals, RewriteTableIsTheIdentityByDefault) {
    constexpr RewriteTable table;
    for (int sig = 1; sig <= kMax; ++sig) EXPECT_EQ(table.map(sig), sig) << sig;
}

TEST(Signals, RewriteTableMapsOnlyWhatWasSet) {
    RewriteTable table;
    table.set(15, 2);
    table.set(10, 0);
    table.set(64, 34);
    EXPECT_EQ(table.map(15), 2);
    EXPECT_EQ(table.map(10), 0);
    EXPECT_EQ(table.map(64), 34);
    for (int sig = 1; sig <= kMax; ++sig) {
        if (sig != 15 && sig != 10 && sig != 64) {
            EXPECT_EQ(table.map(sig), sig) << sig;
        }
    }
}

TEST(Signals, RewriteTablePassesOutOfRangeNumbersThrough) {
    RewriteTable table;
    table.set(1, 2);
    EXPECT_EQ(table.map(0), 0);
    EXPECT_EQ(table.map(-1), -1);
    EXPECT_EQ(table.map(kMax + 1), kMax + 1);
    EXPECT_EQ(table.map(1000), 1000);
}

}  // namespace
}  // namespace pinit::signals
