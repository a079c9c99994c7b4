// Signal forwarding through the real pinit to a recording child.
#include <unistd.h>

#include <csignal>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::pinit;
using harness::Process;

namespace {

constexpr int kEventMs = 15000;  // generous: the machines are shared and slow
constexpr int kRtMin = 34, kRtMax = 64;
constexpr int kExitSignal = SIGUSR2;  // the recorder exits 0 after it

std::string line(int sig) {
    return "\n" + std::to_string(sig) + "\n";
}

using Signals = harness::BothModes;
PINIT_BOTH_MODES(Signals);

// pinit [mode] [options] -- sigrecorder USR2, started and ready.
struct Recorded : Process {
    explicit Recorded(harness::Argv pinit_and_options)
        : Process(with_recorder(std::move(pinit_and_options)), {.stdin_null = true}) {
        EXPECT_TRUE(wait_for_output("ready", kEventMs)) << err();
    }
    static harness::Argv with_recorder(harness::Argv argv) {
        argv.insert(argv.end(),
                    {"--", harness::helper("sigrecorder"), std::to_string(kExitSignal)});
        return argv;
    }
    void send(int sig) { ASSERT_EQ(kill(pid(), sig), 0); }
    bool got(int sig, int timeout_ms = kEventMs) { return wait_for_output(line(sig), timeout_ms); }
    int finish() {
        send(kExitSignal);
        return wait(kEventMs);
    }
};

TEST_P(Signals, EveryCatchableSignalIsForwardedToTheChild) {
    Recorded child(pinit_argv({}));
    for (int sig = 1; sig <= 31; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD || sig == kExitSignal) continue;
        // A kill(2)ed ILL, BUS, FPE or SEGV can crash qemu-user itself, whatever it runs.
        bool fault = sig == SIGILL || sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV;
        if (harness::emulated() && fault) continue;
        child.send(sig);
        EXPECT_TRUE(child.got(sig)) << "signal " << sig << " not forwarded; got:" << child.out();
    }
    EXPECT_EQ(child.finish(), 0);
    EXPECT_EQ(child.err(), "");
}

TEST_P(Signals, RealTimeSignalsAreForwarded) {
    Recorded child(pinit_argv({}));
    for (int sig : {kRtMin, kRtMin + 5, kRtMax}) {
        child.send(sig);
        EXPECT_TRUE(child.got(sig)) << "signal " << sig;
    }
    EXPECT_EQ(child.finish(), 0);
}

TEST_P(Signals, SigchldSentToPinitIsNotForwarded) {
    Recorded child(pinit_argv({}));
    child.send(SIGCHLD);
    // A marker numbered above CHLD: pinit reads pending signals lowest first, so the CHLD has
    // been handled by the time the marker is forwarded.
    child.send(kRtMin + 1);
    EXPECT_TRUE(child.got(kRtMin + 1));
    EXPECT_EQ(child.out().find(line(SIGCHLD)), std::string::npos);
    EXPECT_EQ(child.finish(), 0);
}

TEST_P(Signals, RewriteForwardsFromAsToAndZeroDrops) {
    Recorded child(pinit_argv({"-r", "TERM:HUP", "--rewrite", "sigusr1:0", "-r", "RTMIN+2:RTMAX"}));
    child.send(SIGTERM);
    EXPECT_TRUE(child.got(SIGHUP));
    child.send(kRtMin + 2);
    EXPECT_TRUE(child.got(kRtMax));
    child.send(SIGUSR1);  // dropped; USR2 sent after it is forwarded after it would have been
    EXPECT_EQ(child.finish(), 0);
    EXPECT_EQ(child.out().find(line(SIGUSR1)), std::string::npos) << child.out();
    EXPECT_EQ(child.out().find(line(SIGTERM)), std::string::npos) << child.out();
}

TEST_P(Signals, ABurstOfMixedSignalsArrivesWithoutCrashingPinit) {
    Recorded child(pinit_argv({}));
    const int kinds[] = {SIGHUP, SIGUSR1, SIGWINCH, SIGINT, kRtMin, kRtMin + 5, kRtMax};
    std::mt19937 random(42);
    for (int i = 0; i < 1000; ++i) child.send(kinds[random() % std::size(kinds)]);
    for (int sig : kinds) EXPECT_TRUE(child.got(sig)) << "signal " << sig;
    EXPECT_EQ(child.finish(), 0);
    EXPECT_EQ(child.err(), "");
}

// The child is a shell that ignores USR1 and, on USR2, passes USR2 on to its own child, a
// recorder in the same process group. pinit forwards in order, so when the recorder reports
// USR2, a USR1 sent to the group before it would already be recorded. The shell says "armed"
// once its traps and $r are set, the recorder "ready" once its handlers are.
std::string group_script() {
    return "trap '' USR1; trap 'kill -USR2 $r' USR2; " + harness::helper("sigrecorder") +
           " 12 & r=$!; echo armed; while kill -0 $r 2>/dev/null; do wait $r; done; exit 0";
}

void wait_until_armed(Process& child) {
    ASSERT_TRUE(child.wait_for_output("ready", kEventMs)) << child.err();
    ASSERT_TRUE(child.wait_for_output("armed", kEventMs)) << child.err();
}

TEST_P(Signals, PgroupForwardsToTheWholeProcessGroup) {
    for (const char* flag : {"-g", "--pgroup"}) {
        Process child(pinit_argv({flag, "sh", "-c", group_script()}), {.stdin_null = true});
        wait_until_armed(child);
        kill(child.pid(), SIGUSR1);
        EXPECT_TRUE(child.wait_for_output(line(SIGUSR1), kEventMs)) << child.out();
        kill(child.pid(), SIGUSR2);
        EXPECT_EQ(child.wait(kEventMs), 0);
    }
}

TEST_P(Signals, WithoutPgroupOnlyTheChildGetsTheSignal) {
    Process child(pinit_argv({"sh", "-c", group_script()}), {.stdin_null = true});
    wait_until_armed(child);
    kill(child.pid(), SIGUSR1);
    kill(child.pid(), SIGUSR2);
    EXPECT_TRUE(child.wait_for_output(line(SIGUSR2), kEventMs));
    EXPECT_EQ(child.wait(kEventMs), 0);
    EXPECT_EQ(child.out().find(line(SIGUSR1)), std::string::npos) << child.out();
}

TEST_P(Signals, PgroupFromTiniEnvironmentVariable) {
    std::vector<std::string> env = {"TINI_KILL_PROCESS_GROUP=1", "PATH=/usr/bin:/bin"};
    Process child(pinit_argv({"sh", "-c", group_script()}), {.env = env, .stdin_null = true});
    wait_until_armed(child);
    kill(child.pid(), SIGUSR1);
    EXPECT_TRUE(child.wait_for_output(line(SIGUSR1), kEventMs)) << child.out();
    kill(child.pid(), SIGUSR2);
    EXPECT_EQ(child.wait(kEventMs), 0);
}

}  // namespace
