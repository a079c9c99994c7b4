// What pinit exits with: the child's code, 128+N, -e remaps, and its own 125/126/127.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <fstream>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::pinit;
using harness::run;

namespace {

constexpr int kTimeoutMs = 30000;

TEST(ExitStatus, EveryChildExitCodeFrom0To255PassesThrough) {
    for (int code = 0; code <= 255; ++code) {
        auto result =
            run({pinit(), "/bin/sh", "-c", "exit " + std::to_string(code)}, {}, kTimeoutMs);
        ASSERT_EQ(result.code, code);
        ASSERT_EQ(result.err, "");
    }
}

using ExitStatusModes = harness::BothModes;
PINIT_BOTH_MODES(ExitStatusModes);

TEST_P(ExitStatusModes, ChildKilledBySignalGives128PlusN) {
    for (int sig : {SIGTERM, SIGKILL, SIGSEGV, SIGINT, SIGHUP, SIGUSR1}) {
        auto result =
            run(pinit_argv({"--", harness::helper("raise"), std::to_string(sig)}), {}, kTimeoutMs);
        EXPECT_EQ(result.code, 128 + sig) << "signal " << sig;
    }
}

TEST_P(ExitStatusModes, RemapTurnsListedCodesIntoZeroAndLeavesOthers) {
    EXPECT_EQ(run(pinit_argv({"-e", "3", "-e", "143", "sh", "-c", "exit 3"})).code, 0);
    EXPECT_EQ(run(pinit_argv({"-e", "3", "-e", "143", "sh", "-c", "exit 4"})).code, 4);
    EXPECT_EQ(run(pinit_argv({"-e", "143", harness::helper("raise"), "15"})).code, 0);
    EXPECT_EQ(run(pinit_argv({"--remap-exit=7", "sh", "-c", "exit 7"})).code, 0);
}

TEST(ExitStatus, CommandNotFoundGives127AndNamesTheCommand) {
    auto result = run({pinit(), "--", "pinit-no-such-command"});
    EXPECT_EQ(result.code, 127);
    EXPECT_EQ(result.err, "pinit: pinit-no-such-command: command not found\n");
    auto absolute = run({pinit(), "/nonexistent/dir/cmd"});
    EXPECT_EQ(absolute.code, 127);
    EXPECT_NE(absolute.err.find("/nonexistent/dir/cmd"), std::string::npos);
}

TEST(ExitStatus, CommandNotExecutableGives126WithCommandAndErrno) {
    char path[] = "/tmp/pinit-noexec-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    chmod(path, 0644);
    auto result = run({pinit(), path});
    unlink(path);
    EXPECT_EQ(result.code, 126);
    EXPECT_EQ(result.err, std::string("pinit: cannot execute ") + path + ": Permission denied\n");
    auto dir = run({pinit(), "/tmp"});
    EXPECT_EQ(dir.code, 126);
    EXPECT_NE(dir.err.find("/tmp"), std::string::npos);
}

// A script whose #! interpreter is missing is found: not "command not found" (bash's words and
// 126, as for any command found that cannot run).
TEST(ExitStatus, ScriptWithAMissingInterpreterSaysBadInterpreter) {
    char path[] = "/tmp/pinit-script-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(write(fd, "#!/nonexistent/interpreter\n", 27), 27);
    close(fd);
    chmod(path, 0755);
    auto result = run({pinit(), path});
    unlink(path);
    EXPECT_EQ(result.code, 126);
    EXPECT_EQ(result.err,
              std::string("pinit: ") + path + ": bad interpreter: No such file or directory\n");
}

// A directory for a PATH test.
struct TempDir : harness::TempDir {
    void add(const std::string& name, const std::string& text, mode_t mode) const {
        std::ofstream(*this / name) << text;
        chmod((*this / name).c_str(), mode);
    }
};

// execvp's rules (musl's): each PATH directory in turn, a denied one remembered while the search
// goes on, an empty entry for the working directory, PATH taken from the environment pinit gets,
// the last error reported when nothing ran.
TEST(ExitStatus, CommandIsSearchedInPathAsExecvpDoes) {
    TempDir denied, runnable;
    ASSERT_FALSE(denied.path().empty());
    ASSERT_FALSE(runnable.path().empty());
    denied.add("pinit-probe", "#!/bin/sh\nexit 6\n", 0644);
    runnable.add("pinit-probe", "#!/bin/sh\nexit 7\n", 0755);
    auto env = [](const std::string& path) {
        return harness::Options{.env = std::vector<std::string>{"PATH=" + path}};
    };
    EXPECT_EQ(run({pinit(), "pinit-probe"}, env(denied.path() + ":" + runnable.path())).code, 7);
    auto only_denied = run({pinit(), "pinit-probe"}, env("/nonexistent:" + denied.path()));
    EXPECT_EQ(only_denied.code, 126);
    EXPECT_EQ(only_denied.err, "pinit: cannot execute pinit-probe: Permission denied\n");
    auto later_missing = run({pinit(), "pinit-probe"}, env(denied.path() + ":/nonexistent"));
    EXPECT_EQ(later_missing.code, 126) << "EACCES on the way wins over a later ENOENT";
    EXPECT_EQ(run({pinit(), "pinit-probe"}, env("/nonexistent")).code, 127);
    harness::Options in_runnable = env("/nonexistent::");
    in_runnable.in_child = [dir = runnable.path()] { (void)!chdir(dir.c_str()); };
    EXPECT_EQ(run({pinit(), "pinit-probe"}, in_runnable).code, 7) << "empty entry: the cwd";
    EXPECT_EQ(run({pinit(), "--", ""}).code, 127);
    auto not_a_dir = run({pinit(), "pinit-probe"}, env("/etc/passwd"));
    EXPECT_EQ(not_a_dir.code, 126);
    EXPECT_EQ(not_a_dir.err, "pinit: cannot execute pinit-probe: Not a directory\n");
    auto too_long = run({pinit(), std::string(300, 'x')}, env(runnable.path()));
    EXPECT_EQ(too_long.code, 126);
    EXPECT_NE(too_long.err.find(": File name too long\n"), std::string::npos) << too_long.err;
    EXPECT_EQ(run({pinit(), "--", "sh", "-c", "exit 5"}, env("/usr/bin:/bin")).code, 5);
}

TEST(ExitStatus, ChildThatReallyExits127Or126IsNotMisreported) {
    for (int code : {126, 127}) {
        auto result = run({pinit(), "sh", "-c", "exit " + std::to_string(code)});
        EXPECT_EQ(result.code, code);
        EXPECT_EQ(result.err, "");  // no "command not found" for a child's own exit code
    }
}

void expect_usage_error(const harness::Argv& argv, const std::string& first_line) {
    auto result = run(argv);
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, first_line + "\nTry 'pinit --help'.\n");
    EXPECT_EQ(result.out, "");
}

TEST(ExitStatus, BadUsageGives125WithOneLineAndAHint) {
    expect_usage_error({pinit(), "--bogus", "true"}, "pinit: unknown option '--bogus'");
    expect_usage_error({pinit(), "-x", "true"}, "pinit: unknown option '-x'");
    expect_usage_error({pinit(), "-p", "NOSIG", "true"},
                       "pinit: invalid value 'NOSIG' for --pdeathsig: want a signal: TERM, "
                       "SIGTERM, 15, RTMIN+3");
    expect_usage_error({pinit(), "-e", "256", "true"},
                       "pinit: invalid value '256' for --remap-exit: want 0 to 255");
    expect_usage_error({pinit(), "-r", "TERM", "true"},
                       "pinit: invalid value 'TERM' for --rewrite: want FROM:TO, two signals (TO "
                       "may be 0); FROM not KILL, STOP or CHLD");
    expect_usage_error({pinit(), "--grace=soon", "true"},
                       "pinit: invalid value 'soon' for --grace: want seconds, e.g. 2 or 0.5");
    expect_usage_error({pinit()}, "pinit: missing command");
    expect_usage_error({pinit(), "-v", "--"}, "pinit: missing command");
    expect_usage_error({pinit(), "-p"}, "pinit: missing argument for --pdeathsig");
}

TEST(ExitStatus, HelpAndVersionGoToStdoutAndExit0) {
    auto help = run({pinit(), "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("Usage: pinit"), std::string::npos);
    EXPECT_EQ(help.err, "");
    auto version = run({pinit(), "-V"});
    EXPECT_EQ(version.code, 0);
    EXPECT_EQ(version.out.rfind("pinit ", 0), 0u);
    EXPECT_NE(version.out.find("static"), std::string::npos);
}

TEST(ExitStatus, OptionsStopAtTheFirstNonOptionWord) {
    // tini needs `--` here, or it parses the command's own -c (PEERS.md §1.1).
    auto result = run({pinit(), "sh", "-c", "echo \"$0:$1\"", "-v", "--help"});
    EXPECT_EQ(result.code, 0);
    EXPECT_EQ(result.out, "-v:--help\n");
    EXPECT_EQ(result.err, "");
}

TEST(ExitStatus, NormalRunAddsNothingToStdoutOrStderr) {
    auto result = run({pinit(), "--", "sh", "-c", "echo out; echo err >&2"});
    EXPECT_EQ(result.code, 0);
    EXPECT_EQ(result.out, "out\n");
    EXPECT_EQ(result.err, "err\n");
}

TEST(ExitStatus, VerboseLogsGoToStderrWithPrefix) {
    auto result = run({pinit(), "-vv", "true"});
    EXPECT_EQ(result.code, 0);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err.rfind("pinit: ", 0), 0u);
    EXPECT_NE(result.err.find("exited 0"), std::string::npos);
}

TEST(ExitStatus, TiniEnvironmentVariablesAreHonoured) {
    auto result = run({pinit(), "true"}, {.env = std::vector<std::string>{"TINI_VERBOSITY=2"}});
    EXPECT_EQ(result.code, 0);
    EXPECT_NE(result.err.find("pinit: started child"), std::string::npos);
    auto bad = run({pinit(), "true"}, {.env = std::vector<std::string>{"PINIT_VERBOSITY=loud"}});
    EXPECT_EQ(bad.code, 125);
    EXPECT_NE(bad.err.find("PINIT_VERBOSITY"), std::string::npos);
}

}  // namespace
