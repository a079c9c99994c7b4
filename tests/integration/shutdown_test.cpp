// The shutdown cascade: TERM, grace, KILL for whatever the main child leaves behind, as PID 1
// and as a subreaper; counted through a throw-away pids cgroup.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::helper;
using harness::pinit;
using harness::Process;

namespace {

constexpr int kEventMs = 20000;
using Clock = std::chrono::steady_clock;

long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Runs argv as pinit's caller would, inside a fresh pids cgroup; returns pinit's exit code.
struct InCgroup {
    harness::PidsCgroup cgroup;
    harness::Result result;
    long elapsed_ms = 0;

    void run(const harness::Argv& argv) {
        ASSERT_TRUE(cgroup.valid()) << "no writable pids cgroup";
        cgroup.set_max(4000);
        auto start = Clock::now();
        result = harness::run(argv, {.in_child = cgroup.join()}, 40000);
        elapsed_ms = ms_since(start);
    }
};

harness::Argv as_pid1(harness::Argv argv) {
    argv.insert(argv.begin(), {"/usr/bin/unshare", "--fork", "--pid", "--mount-proc"});
    return argv;
}

TEST(Shutdown, AsPid1LingeringProcessesGetTermAndTheirWorkIsDone) {
    harness::TempDir markers;
    InCgroup run;
    run.run(as_pid1(
        {pinit(), "--grace", "10", "--", helper("lingerer"), "-m", markers.path(), "20", "3"}));
    EXPECT_EQ(run.result.code, 3) << run.result.err;
    EXPECT_EQ(markers.entries(), 20);
    EXPECT_EQ(run.cgroup.count(), 0);
    EXPECT_LT(run.elapsed_ms, 10000) << "pinit waited for the grace though all had exited";
}

TEST(Shutdown, AsPid1ProcessesIgnoringTermAreKilledAfterTheGrace) {
    InCgroup run;
    run.run(as_pid1({pinit(), "-t", "0.3", "--", helper("lingerer"), "-i", "20", "3"}));
    EXPECT_EQ(run.result.code, 3) << run.result.err;
    EXPECT_EQ(run.cgroup.count(), 0);
    EXPECT_GE(run.elapsed_ms, 300);
}

TEST(Shutdown, AsSubreaperGroupMembersAndSetsidDaemonsAllGoButOutsidersStay) {
    Process outsider({helper("lingerer"), "1", "0"}, {.stdin_null = true});  // not under pinit
    ASSERT_EQ(outsider.wait(kEventMs), 0);
    pid_t outsider_child = std::stoi(outsider.out());
    InCgroup run;
    run.run({pinit(), "--", helper("lingerer"), "-s", "20", "20", "3"});
    EXPECT_EQ(run.result.code, 3) << run.result.err;
    EXPECT_EQ(run.cgroup.count(), 0);  // tini -s and catatonit leave all 40, dumb-init 20
    // Still running: it is this test's orphan, so waitpid would see it had it died.
    EXPECT_EQ(waitpid(outsider_child, nullptr, WNOHANG), 0)
        << "pinit killed a process outside its tree";
    kill(outsider_child, SIGKILL);
}

TEST(Shutdown, AsSubreaperTermIsSentBeforeKill) {
    harness::TempDir markers;
    InCgroup run;
    run.run(
        {pinit(), "-t", "10", "--", helper("lingerer"), "-m", markers.path(), "-s", "5", "5", "4"});
    EXPECT_EQ(run.result.code, 4) << run.result.err;
    EXPECT_EQ(markers.entries(), 10);
    EXPECT_EQ(run.cgroup.count(), 0);
}

TEST(Shutdown, AForkLoopRunningDuringShutdownIsCleanedUp) {
    for (bool pid1 : {false, true}) {
        InCgroup run;
        harness::Argv argv = {pinit(), "--", "/bin/sh", "-c",
                              "(while :; do /bin/sleep 100 & done) & /bin/sleep 0.3; exit 5"};
        run.run(pid1 ? as_pid1(argv) : argv);
        EXPECT_EQ(run.result.code, 5) << run.result.err;
        EXPECT_EQ(run.cgroup.count(), 0) << (pid1 ? "as PID 1" : "as subreaper");
    }
}

// Standard signals do not queue: an ALRM sent to pinit while its grace timer runs out arrives
// merged with the timer's. The cascade must still go on (pinit is stopped meanwhile, so the
// two surely meet).
TEST(Shutdown, UserAlarmMergedWithTheGraceTimerDoesNotStallTheCascade) {
    Process process({pinit(), "-vv", "--grace", "0.3", "sh", "-c",
                     "trap '' TERM ALRM; echo ready; while :; do sleep 0.05; done"},
                    {.stdin_null = true});
    ASSERT_TRUE(process.wait_for_output("ready", kEventMs));
    kill(process.pid(), SIGTERM);
    ASSERT_TRUE(process.wait_for_output("forward TERM", kEventMs, true));  // grace armed now
    kill(process.pid(), SIGSTOP);
    kill(process.pid(), SIGALRM);
    usleep(600 * 1000);  // the 0.3 s timer runs out while pinit is stopped: not a wait for it
    kill(process.pid(), SIGCONT);
    EXPECT_EQ(process.wait(kEventMs), 128 + SIGKILL) << process.err();
}

// Under `unshare --pid` without a new /proc, /proc's pids are another namespace's: pinit must
// not walk them (it would signal strangers), and exits instead of waiting for what it cannot end.
TEST(Shutdown, ProcOfAnotherPidNamespaceIsNeverWalked) {
    std::string script = pinit() +
                         " -- sh -c 'sleep 1000 & exit 4' & p=$!; sleep 1000 & s=$!; "
                         "wait $p; echo pinit=$?; kill -0 $s && echo bystander-alive";
    harness::PidsCgroup cgroup;
    ASSERT_TRUE(cgroup.valid());
    auto result = harness::run({"/usr/bin/unshare", "--pid", "--fork", "/bin/sh", "-c", script},
                               {.in_child = cgroup.join()}, 40000);
    EXPECT_EQ(result.out, "pinit=4\nbystander-alive\n") << result.err;
    EXPECT_NE(result.err.find("/proc is another pid namespace's"), std::string::npos) << result.err;
}

TEST(Shutdown, MainChildIgnoringForwardedTermIsKilledAfterTheGrace) {
    Process process({pinit(), "--grace", "0.3", "sh", "-c",
                     "trap '' TERM; echo ready; while :; do sleep 0.05; done"},
                    {.stdin_null = true});
    ASSERT_TRUE(process.wait_for_output("ready", kEventMs));
    auto start = Clock::now();
    kill(process.pid(), SIGTERM);
    EXPECT_EQ(process.wait(kEventMs), 128 + SIGKILL);
    EXPECT_GE(ms_since(start), 300);
}

TEST(Shutdown, MainChildHonouringForwardedTermExitsWithoutWaitingForTheGrace) {
    Process process({pinit(), "--grace", "60", "sh", "-c", "echo ready; exec sleep 100"},
                    {.stdin_null = true});
    ASSERT_TRUE(process.wait_for_output("ready", kEventMs));
    auto start = Clock::now();
    kill(process.pid(), SIGTERM);
    EXPECT_EQ(process.wait(kEventMs), 128 + SIGTERM);  // 137 after 60 s had it waited
    (void)start;
}

TEST(Shutdown, GraceFromEnvironmentAndVerboseLogsTheSteps) {
    auto result = harness::run({pinit(), "-v", helper("lingerer"), "-i", "3", "7"},
                               {.env = std::vector<std::string>{"PINIT_GRACE=0.1"}});
    EXPECT_EQ(result.code, 7);
    EXPECT_NE(result.err.find("pinit: main child exited 7\n"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("pinit: 3 processes left: TERM, grace 0.1s\n"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("pinit: KILL 3 processes\n"), std::string::npos) << result.err;
}

TEST(Shutdown, WarnReapNamesTheLingerersItReaps) {
    auto result = harness::run({pinit(), "-w", helper("lingerer"), "2", "0"});
    EXPECT_EQ(result.code, 0);
    std::istringstream pids(result.out);
    int count = 0;
    for (std::string pid; pids >> pid && ++count;)
        EXPECT_NE(result.err.find("pinit: Reaped zombie process with pid=" + pid + "\n"),
                  std::string::npos)
            << result.err;
}

// HUP reloads nginx and postgres, QUIT dumps a JVM's threads, USR1 reopens logs: with a grace
// set, none of them may start the countdown to SIGKILL that TERM and INT start.
using Grace = harness::BothModes;
PINIT_BOTH_MODES(Grace);

TEST_P(Grace, ReloadSignalsAreForwardedWithoutArmingTheGrace) {
    Process process(pinit_argv({"-t", "1", "--", helper("sigrecorder"), std::to_string(SIGUSR2)}),
                    {.stdin_null = true});
    ASSERT_TRUE(process.wait_for_output("ready", kEventMs)) << process.err();
    for (int sig : {SIGHUP, SIGQUIT, SIGUSR1}) {
        kill(process.pid(), sig);
        ASSERT_TRUE(process.wait_for_output("\n" + std::to_string(sig) + "\n", kEventMs));
    }
    // Three times the grace: the observation window itself, not a wait for an event.
    EXPECT_FALSE(process.wait_for_output("never printed", 3000));
    kill(process.pid(), SIGUSR2);
    EXPECT_EQ(process.wait(kEventMs), 0) << process.err();
}

TEST_P(Grace, TermArmsTheGraceAndAChildIgnoringItIsKilled) {
    harness::Argv argv = pinit_argv({"-t", "0.3", "--", "sh", "-c",
                                     "trap '' TERM INT; echo ready; while :; do sleep 0.05; done"});
    for (int sig : {SIGTERM, SIGINT}) {
        Process process(argv, {.stdin_null = true});
        ASSERT_TRUE(process.wait_for_output("ready", kEventMs));
        kill(process.pid(), sig);
        EXPECT_EQ(process.wait(kEventMs), 128 + SIGKILL) << "signal " << sig;
    }
}

// voluntary + involuntary context switches of pid, and its state letter.
std::pair<long, char> switches_and_state(pid_t pid) {
    std::istringstream status(harness::read_file("/proc/" + std::to_string(pid) + "/status"));
    long total = 0;
    char state = '?';
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("State:", 0) == 0) state = line[7];
        if (line.find("ctxt_switches:") != std::string::npos)
            total += std::stol(line.substr(line.find(':') + 1));
    }
    return {total, state};
}

TEST(Shutdown, IdlePinitWithGraceArmedNowhereWakesUpZeroTimes) {
    Process process({pinit(), "--grace", "5", "sh", "-c", "echo ready; exec sleep 100"},
                    {.stdin_null = true});
    ASSERT_TRUE(process.wait_for_output("ready", kEventMs));
    ASSERT_TRUE(harness::wait_until([&] { return switches_and_state(process.pid()).second == 'S'; },
                                    kEventMs));
    long before = switches_and_state(process.pid()).first;
    usleep(2 * 1000 * 1000);  // the observation window itself, not a wait for an event
    EXPECT_EQ(switches_and_state(process.pid()).first, before);
}

}  // namespace
