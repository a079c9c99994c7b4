// parse_config: every option, the environment aliases, where option parsing stops, and every
// error path with the words a user would see (DESIGN.md §1 and §5).
#include "config.hpp"
#include "options.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace pinit {
namespace {

using options::usage_text;

// getopt wants a mutable char** and Config::command must point into that very array, so the
// words live in owned strings for as long as the test looks at the result.
class Words {
public:
    Words(std::initializer_list<const char*> words) : Words(std::vector<const char*>(words)) {}
    explicit Words(const std::vector<const char*>& words) : storage_(words.begin(), words.end()) {
        for (std::string& word : storage_) pointers_.push_back(word.data());
        pointers_.push_back(nullptr);
    }
    Words(const Words&) = delete;
    Words& operator=(const Words&) = delete;

    int count() const { return static_cast<int>(storage_.size()); }
    char** data() { return pointers_.data(); }

private:
    std::vector<std::string> storage_;
    std::vector<char*> pointers_;
};

ParseResult parse(Words& argv) {
    return parse_config(argv.count(), argv.data(), nullptr);
}

ParseResult parse(Words& argv, Words& env) {
    return parse_config(argv.count(), argv.data(), env.data());
}

std::vector<std::string> command_of(const Config& config) {
    std::vector<std::string> out;
    for (char** word = config.command; word != nullptr && *word != nullptr; ++word)
        out.emplace_back(*word);
    return out;
}

// The error as main() prints it, "<what>[ '<value>'][ for <subject>][: <hint>]" (config.hpp),
// so that a failing expectation shows what the user would have read.
std::string message(const ParseError& error) {
    if (error.what == nullptr) return "(no error)";
    std::string out = error.what;
    if (const char* value = error.value_text()) out += std::string(" '") + value + "'";
    if (error.subject != nullptr)
        out += std::string(" for ") + (error.subject_is_option ? "--" : "") + error.subject;
    if (error.hint != nullptr) out += std::string(": ") + error.hint;
    return out;
}

std::string message(const ParseResult& result) {
    return message(result.error);
}

// Checks every field of an "invalid value" error at once.
void expect_invalid_value(const ParseResult& result, std::string_view value,
                          std::string_view subject, bool subject_is_option) {
    ASSERT_FALSE(result.ok()) << "accepted '" << value << "'";
    EXPECT_STREQ(result.error.what, "invalid value") << message(result);
    ASSERT_NE(result.error.value_text(), nullptr) << message(result);
    EXPECT_EQ(std::string_view(result.error.value_text()), value) << message(result);
    ASSERT_NE(result.error.subject, nullptr) << message(result);
    EXPECT_EQ(std::string_view(result.error.subject), subject) << message(result);
    EXPECT_EQ(result.error.subject_is_option, subject_is_option) << message(result);
    EXPECT_NE(result.error.hint, nullptr) << message(result);
}

using Command = std::vector<std::string>;

// ---- defaults and the command ----

TEST(Config, CommandAloneGivesDefaults) {
    Words argv{"pinit", "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok()) << message(result);
    const Config& config = result.config;
    EXPECT_EQ(config.action, Action::run);
    EXPECT_EQ(config.verbosity, 1);
    EXPECT_FALSE(config.pgroup);
    EXPECT_FALSE(config.warn_reap);
    EXPECT_EQ(config.pdeathsig, 0);
    EXPECT_EQ(config.grace_ms, 0u);
    for (int code = 0; code < 256; ++code) EXPECT_FALSE(config.remap_to_zero[code]) << code;
    for (int sig = 1; sig <= signals::kMax; ++sig) EXPECT_EQ(config.rewrite.map(sig), sig);
    EXPECT_EQ(command_of(config), Command{"sh"});
}

TEST(Config, SuccessLeavesNoErrorBehind) {
    Words argv{"pinit", "sh"};
    ParseResult result = parse(argv);
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(result.error.what, nullptr);
    EXPECT_EQ(result.error.value_text(), nullptr);
    EXPECT_EQ(result.error.subject, nullptr);
    EXPECT_EQ(result.error.hint, nullptr);
}

TEST(Config, CommandPointsIntoArgvAndIsNullTerminated) {
    Words argv{"pinit", "-v", "sh", "-c", "x"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    // The pointer is handed to execvp as is: it must be argv's own tail, not a copy.
    EXPECT_EQ(result.config.command, argv.data() + 2);
    EXPECT_EQ(result.config.command[3], nullptr);
}

TEST(Config, ParsingStopsAtFirstNonOption) {
    Words argv{"pinit", "sh", "-c", "x"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok()) << message(result);
    EXPECT_EQ(result.config.command, argv.data() + 1);
    EXPECT_EQ(command_of(result.config), (Command{"sh", "-c", "x"}));
}

TEST(Config, PinitOptionsAfterTheCommandBelongToTheCommand) {
    Words argv{"pinit", "-g", "sh", "-v", "-g", "--help"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.config.action, Action::run);
    EXPECT_EQ(result.config.verbosity, 1);
    EXPECT_EQ(command_of(result.config), (Command{"sh", "-v", "-g", "--help"}));
}

TEST(Config, ParsingStopsAtDoubleDash) {
    Words argv{"pinit", "-v", "--", "-g", "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.config.verbosity, 2);
    EXPECT_FALSE(result.config.pgroup);
    EXPECT_EQ(result.config.command, argv.data() + 3);
    EXPECT_EQ(command_of(result.config), (Command{"-g", "sh"}));
}

TEST(Config, SecondDoubleDashIsPartOfTheCommand) {
    Words argv{"pinit", "--", "--", "x"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(command_of(result.config), (Command{"--", "x"}));
}

TEST(Config, LoneDashIsACommandWord) {
    Words argv{"pinit", "-", "x"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(command_of(result.config), (Command{"-", "x"}));
}

TEST(Config, RepeatedParsesDoNotShareGetoptState) {
    // The first parse stops inside the bundle "-vx"; a stale getopt position would make the
    // second parse start in the middle of a word of the wrong argv.
    Words first{"pinit", "-vx", "sh"};
    EXPECT_FALSE(parse(first).ok());
    Words second{"pinit", "-g", "sh"};
    ParseResult result = parse(second);
    ASSERT_TRUE(result.ok()) << message(result);
    EXPECT_TRUE(result.config.pgroup);
    EXPECT_EQ(result.config.verbosity, 1);
    EXPECT_EQ(result.config.command, second.data() + 2);
}

// ---- each option ----

TEST(Config, HelpShortAndLongNeedNoCommand) {
    for (const char* option : {"-h", "--help"}) {
        Words argv{"pinit", option};
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << option;
        EXPECT_EQ(result.config.action, Action::help) << option;
        EXPECT_EQ(result.config.command, nullptr) << option;
    }
}

TEST(Config, VersionShortAndLongNeedNoCommand) {
    for (const char* option : {"-V", "--version"}) {
        Words argv{"pinit", option};
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << option;
        EXPECT_EQ(result.config.action, Action::version) << option;
        EXPECT_EQ(result.config.command, nullptr) << option;
    }
}

TEST(Config, HelpWithACommandStillOnlyShowsHelp) {
    Words argv{"pinit", "--help", "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.config.action, Action::help);
    EXPECT_EQ(result.config.command, nullptr);
}

TEST(Config, EachVerboseRaisesVerbosityByOne) {
    Words once{"pinit", "-v", "sh"};
    EXPECT_EQ(parse(once).config.verbosity, 2);
    Words bundled{"pinit", "-vvv", "sh"};
    EXPECT_EQ(parse(bundled).config.verbosity, 4);
    Words mixed{"pinit", "-v", "--verbose", "-vv", "sh"};
    EXPECT_EQ(parse(mixed).config.verbosity, 5);
}

TEST(Config, SubreaperIsAcceptedAndChangesNothing) {
    for (const char* option : {"-s", "--subreaper"}) {
        Words argv{"pinit", option, "sh"};
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << option;
        EXPECT_EQ(result.config.verbosity, 1);
        EXPECT_FALSE(result.config.pgroup);
        EXPECT_EQ(command_of(result.config), Command{"sh"});
    }
}

TEST(Config, PdeathsigTakesASignalInEverySpelling) {
    struct Case {
        std::vector<const char*> words;
        int sig;
    };
    const Case cases[] = {
        {{"pinit", "-p", "TERM", "sh"}, 15},
        {{"pinit", "-pKILL", "sh"}, 9},
        {{"pinit", "--pdeathsig", "sigusr1", "sh"}, 10},
        {{"pinit", "--pdeathsig=1", "sh"}, 1},
        {{"pinit", "-p", "RTMIN+2", "sh"}, 36},
    };
    for (const Case& c : cases) {
        Words argv(c.words);
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << argv.data()[1];
        EXPECT_EQ(result.config.pdeathsig, c.sig) << argv.data()[1];
        EXPECT_EQ(command_of(result.config), Command{"sh"});
    }
}

TEST(Config, LastPdeathsigWins) {
    Words argv{"pinit", "-p", "TERM", "-p", "HUP", "sh"};
    EXPECT_EQ(parse(argv).config.pdeathsig, 1);
}

TEST(Config, PgroupShortAndLongForwardToTheGroup) {
    for (const char* option : {"-g", "--pgroup"}) {
        Words argv{"pinit", option, "sh"};
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << option;
        EXPECT_TRUE(result.config.pgroup) << option;
    }
}

TEST(Config, WarnReapShortAndLongTurnOnWarnings) {
    for (const char* option : {"-w", "--warn-reap"}) {
        Words argv{"pinit", option, "sh"};
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << option;
        EXPECT_TRUE(result.config.warn_reap) << option;
    }
}

TEST(Config, RemapExitIsRepeatableAndMarksOnlyTheGivenCodes) {
    Words argv{"pinit", "-e", "3", "--remap-exit", "255", "-e0", "--remap-exit=42", "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok()) << message(result);
    for (int code = 0; code < 256; ++code) {
        bool expected = code == 0 || code == 3 || code == 42 || code == 255;
        EXPECT_EQ(result.config.remap_to_zero[code], expected) << code;
    }
}

TEST(Config, RewriteMapsFromToAndIsRepeatable) {
    Words argv{"pinit",
               "-r",
               "TERM:INT",
               "--rewrite",
               "1:SIGUSR2",
               "-rRTMIN+1:rtmax",
               "--rewrite=sigquit:9",
               "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok()) << message(result);
    const signals::RewriteTable& table = result.config.rewrite;
    EXPECT_EQ(table.map(15), 2);
    EXPECT_EQ(table.map(1), 12);
    EXPECT_EQ(table.map(35), 64);
    EXPECT_EQ(table.map(3), 9);  // rewriting *to* KILL is allowed; only FROM is restricted
    EXPECT_EQ(table.map(2), 2);
    EXPECT_EQ(table.map(10), 10);
}

TEST(Config, RewriteToZeroDropsTheSignal) {
    Words argv{"pinit", "-r", "USR1:0", "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.config.rewrite.map(10), 0);
}

TEST(Config, LaterRewriteOfTheSameSignalWins) {
    Words argv{"pinit", "-r", "TERM:INT", "-r", "TERM:HUP", "sh"};
    EXPECT_EQ(parse(argv).config.rewrite.map(15), 1);
}

TEST(Config, GraceTakesDecimalSeconds) {
    struct Case {
        std::vector<const char*> words;
        std::uint32_t ms;
    };
    const Case cases[] = {
        {{"pinit", "-t", "2", "sh"}, 2000},
        {{"pinit", "-t0.5", "sh"}, 500},
        {{"pinit", "--grace", "1.25", "sh"}, 1250},
        {{"pinit", "--grace=0.001", "sh"}, 1},
        {{"pinit", "-t", "0", "sh"}, 0},
        {{"pinit", "-t", "1000000", "sh"}, 1000000000},
    };
    for (const Case& c : cases) {
        Words argv(c.words);
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << argv.data()[1] << " " << argv.data()[2];
        EXPECT_EQ(result.config.grace_ms, c.ms) << argv.data()[1] << " " << argv.data()[2];
    }
}

TEST(Config, BundledShortFlagsAllApply) {
    Words argv{"pinit", "-gwvpTERM", "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(result.config.pgroup);
    EXPECT_TRUE(result.config.warn_reap);
    EXPECT_EQ(result.config.verbosity, 2);
    EXPECT_EQ(result.config.pdeathsig, 15);
}

TEST(Config, OptionArgumentIsTakenEvenWhenItLooksLikeAnOption) {
    // getopt's rule for a required argument: the next word, whatever it is.
    Words argv{"pinit", "-e", "-1", "sh"};
    expect_invalid_value(parse(argv), "-1", "remap-exit", true);
}

// ---- the environment ----

TEST(Config, PinitVerbositySetsTheLevel) {
    for (const char* value : {"0", "1", "2", "3", "4"}) {
        std::string entry = std::string("PINIT_VERBOSITY=") + value;
        Words env{entry.c_str()};
        Words argv{"pinit", "sh"};
        ParseResult result = parse(argv, env);
        ASSERT_TRUE(result.ok()) << entry;
        EXPECT_EQ(result.config.verbosity, value[0] - '0') << entry;
    }
}

TEST(Config, TiniVerbosityIsAnAlias) {
    Words env{"TINI_VERBOSITY=3"};
    Words argv{"pinit", "sh"};
    EXPECT_EQ(parse(argv, env).config.verbosity, 3);
}

TEST(Config, TiniVerbosityIsReadLikeAtoiAndClamped) {
    // tini takes any value (atoi); a container that set one must not make pinit exit 125.
    struct Case {
        const char* entry;
        int verbosity;
    };
    const Case cases[] = {
        {"TINI_VERBOSITY=5", 4},   {"TINI_VERBOSITY=abc", 0}, {"TINI_VERBOSITY=", 0},
        {"TINI_VERBOSITY=-3", 0},  {"TINI_VERBOSITY=2x", 2},  {"TINI_VERBOSITY= \t+3", 3},
        {"TINI_VERBOSITY=004", 4}, {"TINI_VERBOSITY=12", 4},  {"TINI_VERBOSITY=99999999999", 4},
        {"TINI_VERBOSITY=-", 0},   {"TINI_VERBOSITY=1 2", 1}, {"TINI_VERBOSITY=-0", 0},
    };
    for (const Case& c : cases) {
        Words env{c.entry};
        Words argv{"pinit", "sh"};
        ParseResult result = parse(argv, env);
        ASSERT_TRUE(result.ok()) << c.entry << ": " << message(result);
        EXPECT_EQ(result.config.verbosity, c.verbosity) << c.entry;
    }
}

TEST(Config, VerboseOptionsCountFromTheClampedTiniLevel) {
    Words env{"TINI_VERBOSITY=9"};
    Words argv{"pinit", "-v", "sh"};
    EXPECT_EQ(parse(argv, env).config.verbosity, 5);
}

TEST(Config, PinitVerbosityWinsOverTini) {
    // The TINI_ value alone would give 0: proof that it is not even looked at.
    Words env{"TINI_VERBOSITY=junk", "PINIT_VERBOSITY=2"};
    Words argv{"pinit", "sh"};
    ParseResult result = parse(argv, env);
    ASSERT_TRUE(result.ok()) << message(result);
    EXPECT_EQ(result.config.verbosity, 2);
}

TEST(Config, VerboseOptionsCountFromTheEnvironmentLevel) {
    Words env{"PINIT_VERBOSITY=0"};
    Words argv{"pinit", "-vv", "sh"};
    EXPECT_EQ(parse(argv, env).config.verbosity, 2);
}

TEST(Config, PinitGraceSetsTheGrace) {
    Words env{"PINIT_GRACE=2.5"};
    Words argv{"pinit", "sh"};
    EXPECT_EQ(parse(argv, env).config.grace_ms, 2500u);
}

TEST(Config, GraceOptionOverridesPinitGrace) {
    Words env{"PINIT_GRACE=5"};
    Words argv{"pinit", "-t", "1", "sh"};
    EXPECT_EQ(parse(argv, env).config.grace_ms, 1000u);
}

TEST(Config, GraceHasNoTiniAlias) {
    // tini has no grace period, so there is no TINI_ name to honour.
    Words env{"TINI_GRACE=5"};
    Words argv{"pinit", "sh"};
    ParseResult result = parse(argv, env);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.config.grace_ms, 0u);
}

TEST(Config, KillProcessGroupVariablesTurnOnPgroup) {
    for (const char* entry : {"PINIT_KILL_PROCESS_GROUP=1", "TINI_KILL_PROCESS_GROUP=1",
                              "PINIT_KILL_PROCESS_GROUP=yes", "TINI_KILL_PROCESS_GROUP="}) {
        Words env{entry};
        Words argv{"pinit", "sh"};
        ParseResult result = parse(argv, env);
        ASSERT_TRUE(result.ok()) << entry;
        EXPECT_TRUE(result.config.pgroup) << entry;
    }
}

TEST(Config, FlagVariableSetToZeroIsOff) {
    for (const char* entry : {"PINIT_KILL_PROCESS_GROUP=0", "TINI_KILL_PROCESS_GROUP=0"}) {
        Words env{entry};
        Words argv{"pinit", "sh"};
        ParseResult result = parse(argv, env);
        ASSERT_TRUE(result.ok()) << entry;
        EXPECT_FALSE(result.config.pgroup) << entry;
    }
}

TEST(Config, PinitFlagVariableWinsOverTiniEvenWhenZero) {
    Words env{"TINI_KILL_PROCESS_GROUP=1", "PINIT_KILL_PROCESS_GROUP=0"};
    Words argv{"pinit", "sh"};
    EXPECT_FALSE(parse(argv, env).config.pgroup);
}

TEST(Config, PgroupOptionOverridesTheEnvironmentSayingZero) {
    Words env{"PINIT_KILL_PROCESS_GROUP=0"};
    Words argv{"pinit", "-g", "sh"};
    EXPECT_TRUE(parse(argv, env).config.pgroup);
}

TEST(Config, SubreaperVariablesAreAcceptedAndChangeNothing) {
    for (const char* entry : {"PINIT_SUBREAPER=1", "TINI_SUBREAPER=", "PINIT_SUBREAPER=0"}) {
        Words env{entry};
        Words argv{"pinit", "sh"};
        ParseResult result = parse(argv, env);
        ASSERT_TRUE(result.ok()) << entry;
        EXPECT_EQ(result.config.verbosity, 1) << entry;
        EXPECT_FALSE(result.config.pgroup) << entry;
    }
}

TEST(Config, VariableNamesMustMatchExactly) {
    Words env{"PINIT_VERBOSITYX=4", "XPINIT_VERBOSITY=4",          "PINIT_VERBOSITY",
              "pinit_verbosity=4",  "PINIT_KILL_PROCESS_GROUP_=1", "PINIT_KILL_PROCESS_GROU=1"};
    Words argv{"pinit", "sh"};
    ParseResult result = parse(argv, env);
    ASSERT_TRUE(result.ok()) << message(result);
    EXPECT_EQ(result.config.verbosity, 1);
    EXPECT_FALSE(result.config.pgroup);
}

TEST(Config, OnlyTheGivenEnvironmentIsRead) {
    // parse_config is pure: the process's own environment must not leak in.
    ASSERT_EQ(setenv("PINIT_VERBOSITY", "4", 1), 0);
    ASSERT_EQ(setenv("PINIT_KILL_PROCESS_GROUP", "1", 1), 0);
    Words env{"HOME=/"};
    Words argv{"pinit", "sh"};
    ParseResult given = parse(argv, env);
    ParseResult none = parse(argv);
    unsetenv("PINIT_VERBOSITY");
    unsetenv("PINIT_KILL_PROCESS_GROUP");
    for (const ParseResult& result : {given, none}) {
        ASSERT_TRUE(result.ok());
        EXPECT_EQ(result.config.verbosity, 1);
        EXPECT_FALSE(result.config.pgroup);
    }
}

// ---- errors ----

TEST(Config, InvalidValueReadsAsTheHeaderSays) {
    Words argv{"pinit", "-e", "256", "sh"};
    EXPECT_EQ(message(parse(argv)), "invalid value '256' for --remap-exit: want 0 to 255");
}

TEST(Config, UnknownShortOptionIsNamedByItsLetter) {
    Words argv{"pinit", "-x", "sh"};
    ParseResult result = parse(argv);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(message(result), "unknown option '-x'");
}

TEST(Config, UnknownLetterInsideABundleIsNamedAlone) {
    Words argv{"pinit", "-gvx", "sh"};
    EXPECT_EQ(message(parse(argv)), "unknown option '-x'");
}

TEST(Config, UnknownLongOptionIsNamedByItsWord) {
    Words argv{"pinit", "--bogus", "sh"};
    EXPECT_EQ(message(parse(argv)), "unknown option '--bogus'");
}

TEST(Config, UnknownLongOptionWithValueIsNamedByItsWord) {
    Words argv{"pinit", "--bogus=1", "sh"};
    EXPECT_EQ(message(parse(argv)), "unknown option '--bogus=1'");
}

TEST(Config, AmbiguousLongPrefixIsRejected) {
    // "--re" could be --remap-exit or --rewrite.
    Words argv{"pinit", "--re", "x", "sh"};
    EXPECT_EQ(message(parse(argv)), "unknown option '--re'");
}

TEST(Config, ValueGivenToAFlagIsNamedByTheLongWord) {
    // glibc reports "--verbose=3" as '?' with optopt = 'v': naming the short letter would tell
    // the user "unknown option '-v'" about an option they never typed.
    for (const char* word : {"--verbose=3", "--help=x"}) {
        Words argv{"pinit", word, "sh"};
        ParseResult result = parse(argv);
        ASSERT_FALSE(result.ok()) << word;
        EXPECT_EQ(message(result), std::string("unknown option '") + word + "'");
    }
}

TEST(Config, MissingArgumentIsNamedByTheLongOption) {
    // Named by the long form whichever form was typed: after this error, where optind points
    // differs between glibc and musl, so the typed word is not reliably at hand.
    struct Case {
        const char* word;
        const char* subject;
    };
    const Case cases[] = {
        {"-p", "pdeathsig"},  {"--pdeathsig", "pdeathsig"},
        {"-e", "remap-exit"}, {"--remap-exit", "remap-exit"},
        {"-r", "rewrite"},    {"--rewrite", "rewrite"},
        {"-t", "grace"},      {"--grace", "grace"},
    };
    for (const Case& c : cases) {
        Words argv{"pinit", c.word};
        ParseResult result = parse(argv);
        ASSERT_FALSE(result.ok()) << c.word;
        EXPECT_EQ(message(result), std::string("missing argument for --") + c.subject) << c.word;
        EXPECT_TRUE(result.error.subject_is_option) << c.word;
    }
}

TEST(Config, InvalidPdeathsigIsNamed) {
    for (const char* value : {"FOO", "0", "65", "", "SIG", "TERM "}) {
        Words argv{"pinit", "-p", value, "sh"};
        expect_invalid_value(parse(argv), value, "pdeathsig", true);
    }
}

TEST(Config, InvalidExitCodeIsNamed) {
    for (const char* value : {"256", "-1", "abc", "", "1.0", " 1", "+1", "99999999999"}) {
        Words argv{"pinit", "-e", value, "sh"};
        expect_invalid_value(parse(argv), value, "remap-exit", true);
    }
}

TEST(Config, EmptyValueAfterEqualsIsAnInvalidExitCode) {
    Words argv{"pinit", "--remap-exit=", "sh"};
    expect_invalid_value(parse(argv), "", "remap-exit", true);
}

TEST(Config, InvalidGraceIsNamed) {
    for (const char* value :
         {"", ".", "-1", "abc", "1.2345", "1,5", "1.2.3", "1000001", " 1", "1s", "1e3"}) {
        Words argv{"pinit", "-t", value, "sh"};
        expect_invalid_value(parse(argv), value, "grace", true);
    }
}

TEST(Config, RewriteWithoutColonIsRejected) {
    for (const char* value : {"TERM", "", "15"}) {
        Words argv{"pinit", "-r", value, "sh"};
        expect_invalid_value(parse(argv), value, "rewrite", true);
    }
}

TEST(Config, RewriteWithABadSignalNameIsRejected) {
    for (const char* value : {":TERM", "TERM:", "FOO:TERM", "TERM:FOO", "0:TERM", "TERM:65",
                              "TERM:INT:HUP", "TERM:00"}) {
        Words argv{"pinit", "-r", value, "sh"};
        expect_invalid_value(parse(argv), value, "rewrite", true);
    }
}

TEST(Config, KillStopAndChldCannotBeRewritten) {
    // KILL and STOP never reach pinit, and CHLD is pinit's own reaping cue: a rule for them
    // could never fire, so it is refused rather than silently ignored.
    for (const char* value :
         {"KILL:TERM", "9:1", "STOP:0", "SIGSTOP:TSTP", "CHLD:TERM", "cld:0", "17:USR1"}) {
        Words argv{"pinit", "-r", value, "sh"};
        ParseResult result = parse(argv);
        expect_invalid_value(result, value, "rewrite", true);
        EXPECT_NE(message(result).find("KILL"), std::string::npos) << message(result);
    }
}

TEST(Config, InvalidVerbosityVariableIsNamedByTheVariable) {
    for (const char* value : {"5", "-1", "abc", "", "1x", " 1"}) {
        std::string entry = std::string("PINIT_VERBOSITY=") + value;
        Words env{entry.c_str()};
        Words argv{"pinit", "sh"};
        expect_invalid_value(parse(argv, env), value, "PINIT_VERBOSITY", false);
    }
}

TEST(Config, InvalidPinitVerbosityIsAnErrorEvenWithAValidTiniOne) {
    // Only the TINI_ form is lenient; the PINIT_ one, read first, stays strict.
    Words env{"TINI_VERBOSITY=2", "PINIT_VERBOSITY=5"};
    Words argv{"pinit", "sh"};
    expect_invalid_value(parse(argv, env), "5", "PINIT_VERBOSITY", false);
}

TEST(Config, InvalidGraceVariableIsNamedByTheVariable) {
    for (const char* value : {"", "soon", "-1"}) {
        std::string entry = std::string("PINIT_GRACE=") + value;
        Words env{entry.c_str()};
        Words argv{"pinit", "sh"};
        expect_invalid_value(parse(argv, env), value, "PINIT_GRACE", false);
    }
}

TEST(Config, EnvironmentErrorIsReportedEvenWithValidOptions) {
    Words env{"PINIT_VERBOSITY=many"};
    Words argv{"pinit", "--help"};
    expect_invalid_value(parse(argv, env), "many", "PINIT_VERBOSITY", false);
}

TEST(Config, MissingCommandIsAnError) {
    Words bare{"pinit"};
    Words options_only{"pinit", "-v", "-g"};
    Words dash_dash{"pinit", "--"};
    for (Words* argv : {&bare, &options_only, &dash_dash}) {
        ParseResult result = parse(*argv);
        EXPECT_EQ(message(result), "missing command") << argv->count();
        EXPECT_EQ(result.config.command, nullptr);
    }
}

// ---- --help text ----

TEST(Config, UsageHasALineForEveryOptionInTheTable) {
    // From the table itself, so an option added there cannot be left out of --help unnoticed.
    // A line starts with "  -x, --name", or "      --name" for an option without a letter; a
    // bare search for "--name" would also find it in another option's help ("with --new-ns").
    const std::string usage = std::string("\n") + usage_text();
    ASSERT_TRUE(options::all().begin().spec.ok());
    for (options::Spec spec : options::all()) {
        std::string letter =
            spec.id() <= 0xff ? std::string("-") + static_cast<char>(spec.id()) : "";
        std::string head =
            "\n  " + (letter.empty() ? "    " : letter + ", ") + "--" + spec.long_name();
        size_t at = usage.find(head);
        if (at == std::string::npos) {
            ADD_FAILURE() << "no line for " << head.substr(1);
            continue;
        }
        char next = usage[at + head.size()];  // the name is whole: not a prefix of a longer one
        EXPECT_TRUE(next == ' ' || next == '[') << head.substr(1) << " then '" << next << "'";
    }
}

TEST(Config, UsageMentionsTheEnvironmentAndExitCodes) {
    std::string_view usage = usage_text();
    for (const options::EnvAlias& alias : options::env_aliases())
        for (const char* name : {alias.name, alias.tini_name})
            if (name != nullptr) EXPECT_NE(usage.find(name), std::string_view::npos) << name;
    for (const char* code : {"125", "126", "127"})
        EXPECT_NE(usage.find(code), std::string_view::npos) << code;
}

TEST(Config, UsageIsNotTruncatedAndFitsTheTerminal) {
    // usage_text() fills a fixed buffer: a silently cut tail would lose the exit codes.
    std::string_view usage = usage_text();
    ASSERT_FALSE(usage.empty());
    EXPECT_EQ(usage.back(), '\n');
    EXPECT_NE(usage.find("127 COMMAND not found.\n"), std::string_view::npos);
    size_t start = 0;
    while (start < usage.size()) {
        size_t end = usage.find('\n', start);
        if (end == std::string_view::npos) break;
        EXPECT_LE(end - start, 80u) << usage.substr(start, end - start);
        start = end + 1;
    }
}

TEST(Config, JoinTakesATargetAndIsNotANewNamespace) {
    Words argv = {"pinit", "--join", "/run/box.pid", "--chdir", "/srv", "--", "sh"};
    ParseResult result = parse(argv);
    ASSERT_TRUE(result.ok()) << message(result.error);
    EXPECT_STREQ(result.config.join, "/run/box.pid");
    EXPECT_STREQ(result.config.chdir, "/srv");
    EXPECT_FALSE(result.config.new_ns);
}

TEST(Config, ChdirAloneStillImpliesNewNs) {
    for (auto order : {std::vector<const char*>{"pinit", "--chdir", "/srv", "--root", "/r", "x"},
                       std::vector<const char*>{"pinit", "--root", "/r", "--chdir", "/srv", "x"},
                       std::vector<const char*>{"pinit", "--chdir", "/srv", "x"}}) {
        Words argv(order);
        ParseResult result = parse(argv);
        ASSERT_TRUE(result.ok()) << message(result.error);
        EXPECT_TRUE(result.config.new_ns) << order[1];
    }
}

TEST(Config, JoinWithNewNsOrASandboxOptionIsAUsageError) {
    for (const char* option : {"--new-ns", "--root=/r", "--bind=/a", "--tmpfs=/t", "--read-only",
                               "--hostname=h", "--pid-file=/p", "--no-dev", "--map-user"}) {
        Words before = {"pinit", option, "--join", "1", "x"};
        Words after = {"pinit", "--join", "1", option, "x"};
        for (Words* argv : {&before, &after}) {
            ParseResult result = parse(*argv);
            EXPECT_EQ(message(result.error),
                      "--join cannot be combined with --new-ns or its options")
                << option;
        }
    }
}

}  // namespace
}  // namespace pinit
