// The --new-ns launcher: its pid file, its signals, what the command inherits through it, and
// how it dies; as root and as an ordinary user (nobody).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "rootless.hpp"

using harness::helper;
using harness::pinit;
using harness::Process;
using harness::run;

namespace {

constexpr int kEventMs = 20000;

class Launcher : public harness::RootAndRootless {};

INSTANTIATE_TEST_SUITE_P(RootAndRootless, Launcher, ::testing::Values(false, true),
                         harness::root_or_rootless);

std::string ns_of(const std::string& pid) {
    return std::filesystem::read_symlink("/proc/" + pid + "/ns/pid").string();
}

int parent_of(pid_t pid) {
    std::string stat = harness::read_file("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    char state;
    int ppid = 0;
    fields >> state >> ppid;
    return ppid;
}

TEST_P(Launcher, PidFileNamesTheInnerPid1AndKillingItEndsTheLauncherWith137) {
    char templ[] = "/tmp/pinit-pidfile-XXXXXX";
    std::string dir = mkdtemp(templ);
    chmod(dir.c_str(), 01777);  // writable for nobody too
    std::string pid_file = dir + "/inner.pid";
    std::vector<std::string> argv = {
        pinit(), "--new-ns", "--pid-file", pid_file, "sh", "-c", "echo up; exec sleep 1000"};
    Process launcher(argv, {.in_child = caller(), .stdin_null = true});
    ASSERT_TRUE(launcher.wait_for_output("up", kEventMs)) << launcher.err();
    std::string text;
    ASSERT_TRUE(harness::wait_until(
        [&] { return !(text = harness::read_file(pid_file)).empty() && text.back() == '\n'; },
        kEventMs));
    pid_t inner = std::stoi(text);
    // Only a process this test started may be signalled: the launcher's child.
    ASSERT_EQ(parent_of(inner), launcher.pid());
    EXPECT_NE(ns_of(std::to_string(inner)), ns_of("self"));
    kill(inner, SIGKILL);
    EXPECT_EQ(launcher.wait(kEventMs), 128 + SIGKILL);
    EXPECT_FALSE(std::filesystem::exists(pid_file)) << "pid file left behind";
    std::filesystem::remove_all(dir);
}

// The launcher blocks signals before it clones: one sent as soon as they are blocked (before
// the namespaces exist) is queued and relayed, never dropped (an init drops what it neither
// blocks nor handles). Earlier than that, the default action would kill the launcher itself.
using harness::signals_blocked;

TEST_P(Launcher, SignalSentRightAfterStartIsNotLost) {
    for (int i = 0; i < 10; ++i) {
        Process launcher({pinit(), "--new-ns", "--", "sleep", "30"},
                         {.in_child = caller(), .stdin_null = true});
        ASSERT_TRUE(harness::wait_until([&] { return signals_blocked(launcher.pid()); }, kEventMs));
        kill(launcher.pid(), SIGTERM);
        ASSERT_EQ(launcher.wait(kEventMs), 128 + SIGTERM) << "round " << i;
    }
}

TEST_P(Launcher, CommandGetsTheCallersSignalStateAndFds) {
    auto odd = [this] {
        auto drop = caller();
        return [drop] {
            signal(SIGHUP, SIG_IGN);
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGUSR1);
            sigprocmask(SIG_SETMASK, &set, nullptr);
            int fd = open("/dev/null", O_RDONLY);
            dup2(fd, 7);
            close(fd);
            drop();
        };
    };
    auto direct = run({helper("sigstate")}, {.in_child = odd()});
    auto inside = run({pinit(), "--new-ns", helper("sigstate")}, {.in_child = odd()});
    EXPECT_EQ(inside.out, direct.out) << inside.err;
    auto fds = run({pinit(), "--new-ns", helper("fdlist")}, {.in_child = odd()});
    EXPECT_EQ(fds.out, "0 1 2 7\n") << fds.err;
}

// -p is the launcher's own parent-death signal (tini's meaning); PID 1 keeps PDEATHSIG KILL, so
// the namespace still dies with the launcher.
TEST_P(Launcher, PdeathsigOptionDoesNotWeakenTheNamespacesDeathWithTheLauncher) {
    harness::PidsCgroup cgroup;
    ASSERT_TRUE(cgroup.valid());
    std::vector<std::string> argv = {
        pinit(), "--new-ns", "-p", "TERM", "sh", "-c", "trap '' TERM; echo up; sleep 1000"};
    Process launcher(argv, {.in_child = caller(&cgroup), .stdin_null = true});
    ASSERT_TRUE(launcher.wait_for_output("up", kEventMs)) << launcher.err();
    kill(launcher.pid(), SIGKILL);
    EXPECT_EQ(launcher.wait(kEventMs), harness::killed_by(SIGKILL));
    EXPECT_TRUE(harness::wait_until([&] { return cgroup.count() == 0; }, kEventMs))
        << cgroup.count() << " left";
}

}  // namespace
