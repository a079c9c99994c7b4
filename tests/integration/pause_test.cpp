// --pause: a pod's PID 1 with no command (Kubernetes' pause, catatonit -P): it reaps whatever
// comes to it until TERM or INT, which make it exit 0; every other signal is ignored.
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::pinit;
using harness::Process;
using harness::run;

namespace {

namespace fs = std::filesystem;
constexpr int kEventMs = 20000;

bool has_pid(const std::string& pid_file, pid_t* pid) {
    std::string text = harness::read_file(pid_file);
    return !text.empty() && (*pid = std::stoi(text)) > 0;
}

TEST(Pause, TakesNoCommand) {
    auto result = run({pinit(), "--pause", "true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --pause takes no command\nTry 'pinit --help'.\n");
}

// Not PID 1: a subreaper as always. HUP, USR1 and QUIT are ignored; TERM and INT end it with 0.
TEST(Pause, OnlyTermOrIntEndItWithZero) {
    for (int stop : {SIGTERM, SIGINT}) {
        Process paused({pinit(), "-v", "--pause"}, {.stdin_null = true});
        ASSERT_TRUE(
            harness::wait_until([&] { return harness::signals_blocked(paused.pid()); }, kEventMs));
        for (auto [ignored, name] :
             {std::pair{SIGHUP, "HUP"}, {SIGUSR1, "USR1"}, {SIGQUIT, "QUIT"}}) {
            ASSERT_EQ(kill(paused.pid(), ignored), 0);
            ASSERT_TRUE(paused.wait_for_output(std::string("--pause: ignored ") + name + "\n",
                                               kEventMs, true))
                << paused.err();
        }
        EXPECT_FALSE(paused.exited());
        ASSERT_EQ(kill(paused.pid(), stop), 0);
        EXPECT_EQ(paused.wait(kEventMs), 0) << paused.err();
    }
}

int zombies_in_pid_ns_of(pid_t pid) {
    int zombies = 0;
    for (const auto& [member, state] : harness::processes_in_pid_ns_of(pid))
        zombies += state == 'Z';
    return zombies;
}

// A pod on a bare host: an empty sandbox that --join fills. Orphans that reach its PID 1 (here
// through nsenter, which leaves them there) are reaped; a TERM to PID 1 ends the pod, the
// joined app with it, and the launcher exits 0.
TEST(Pause, ABareHostPodReapsWhatReachesItAndEndsOnTerm) {
    harness::TempDir dir;
    std::string pid_file = dir / "pod.pid";
    Process pod({pinit(), "--new-ns", "--pause", "--pid-file", pid_file}, {.stdin_null = true});
    pid_t pid1 = 0;
    ASSERT_TRUE(harness::wait_until([&] { return has_pid(pid_file, &pid1); }, kEventMs));
    auto orphans = run({"/usr/bin/nsenter", "-t", std::to_string(pid1), "-a", "sh", "-c",
                        "for i in 1 2 3 4 5 6 7 8 9 10; do sh -c 'sleep 0.1 &'; done"});
    ASSERT_EQ(orphans.code, 0) << orphans.err;
    EXPECT_TRUE(harness::wait_until(
        [&] {
            return harness::read_file("/proc/" + std::to_string(pid1) + "/task/" +
                                      std::to_string(pid1) + "/children")
                       .empty() &&
                   zombies_in_pid_ns_of(pid1) == 0;
        },
        kEventMs))
        << zombies_in_pid_ns_of(pid1) << " zombies in the pod";
    Process app({pinit(), "--join", pid_file, "--", "sh", "-c", "echo up; exec sleep 300"},
                {.stdin_null = true});
    ASSERT_TRUE(app.wait_for_output("up", kEventMs)) << app.err();
    ASSERT_EQ(kill(pid1, SIGTERM), 0);
    EXPECT_EQ(pod.wait(kEventMs), 0) << pod.err();
    EXPECT_EQ(app.wait(kEventMs), 137) << app.err();
}

}  // namespace
