// --join: a command run inside a running sandbox's namespaces (and, as root, its cgroups), with
// pinit as a subreaper inside its pid namespace: orphans reaped there, signals relayed in, the
// exit status out, and nothing left running when the joiner or the target goes.
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "rootless.hpp"

using harness::helper;
using harness::killed_by;
using harness::pinit;
using harness::Process;
using harness::run;

namespace {

namespace fs = std::filesystem;
constexpr int kEventMs = 20000;

std::string ns_of(pid_t pid, const char* kind) {
    return fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/" + kind).string();
}

pid_t parent_of(pid_t pid) {
    std::string stat = harness::read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    return paren == std::string::npos ? -1 : std::atoi(stat.c_str() + paren + 4);
}

bool has_pid(const std::string& pid_file) {
    std::error_code error;
    return fs::file_size(pid_file, error) > 0 && !error;
}

int count_state(const std::map<pid_t, char>& processes, bool zombies) {
    int n = 0;
    for (const auto& [pid, state] : processes) n += (state == 'Z') == zombies;
    return n;
}

// A target whose PID 1 never reaps: `unshare --fork --pid --mount-proc FLAGS sh -c SETUP;
// exec sleep 1000`, PID 1 found once SETUP has run. Killed with its namespace at the end.
class Target {
public:
    explicit Target(const harness::Argv& flags = {}, const std::string& setup = "true",
                    std::function<void()> in_child = nullptr)
        : unshare_(argv(flags, setup), {.in_child = std::move(in_child), .stdin_null = true}) {
        if (!unshare_.wait_for_output("ready", kEventMs)) return;
        std::string path = "/proc/" + std::to_string(unshare_.pid()) + "/task/" +
                           std::to_string(unshare_.pid()) + "/children";
        harness::wait_until(
            [&] { return static_cast<bool>(std::istringstream(harness::read_file(path)) >> pid_); },
            kEventMs);
    }
    ~Target() { end(); }
    // The kernel ends the namespace with its PID 1.
    void end() {
        if (pid_ > 0) kill(pid_, SIGKILL);
        pid_ = 0;
        unshare_.wait(kEventMs);
    }
    pid_t pid() const { return pid_; }
    std::string pid_text() const { return std::to_string(pid_); }
    std::string ns(const char* kind) const { return ns_of(pid_, kind); }

private:
    static harness::Argv argv(const harness::Argv& flags, const std::string& setup) {
        harness::Argv out = {"/usr/bin/unshare", "--fork", "--pid", "--mount-proc"};
        out.insert(out.end(), flags.begin(), flags.end());
        out.insert(out.end(), {"sh", "-c", setup + "; echo ready; exec sleep 1000"});
        return out;
    }
    Process unshare_;
    pid_t pid_ = 0;
};

harness::Result join(const Target& target, const std::string& script,
                     const harness::Options& options = {}) {
    return run({pinit(), "--join", target.pid_text(), "--", "sh", "-c", script}, options, 60000);
}

TEST(Join, EntersEveryNamespaceOfTheTargetAndItsWorkingDirectory) {
    harness::TempDir cwd;
    Target target({"--uts", "--ipc", "--net", "--cgroup", "--time"},
                  "hostname pinit-target && cd " + cwd.path());
    ASSERT_GT(target.pid(), 0);
    auto result =
        join(target,
             "for n in pid mnt uts ipc net cgroup time; do readlink /proc/self/ns/$n; done; "
             "hostname; pwd; cat /proc/1/comm; grep -c : /proc/net/dev");
    ASSERT_EQ(result.code, 0) << result.err;
    std::string expected;
    for (const char* kind : {"pid", "mnt", "uts", "ipc", "net", "cgroup", "time"})
        expected += target.ns(kind) + "\n";
    // pid 1 is the target's sleep; the net namespace has only lo.
    EXPECT_EQ(result.out, expected + "pinit-target\n" + cwd.path() + "\nsleep\n1\n");
    EXPECT_NE(target.ns("pid"), ns_of(getpid(), "pid"));
}

TEST(Join, PsShowsTheTargetsProcessesWithItsPid1) {
    Target target;
    ASSERT_GT(target.pid(), 0);
    auto result = join(target, "ps -e -o pid=,ppid=,comm=");
    ASSERT_EQ(result.code, 0) << result.err;
    std::istringstream lines(result.out);
    std::map<std::string, std::pair<int, int>> seen;  // comm -> pid, ppid
    for (int pid, ppid; lines >> pid >> ppid;) {
        std::string comm;
        lines >> comm;
        seen[comm] = {pid, ppid};
    }
    EXPECT_EQ(seen["sleep"], std::make_pair(1, 0)) << result.out;
    // pinit is the shell's parent inside, its own parent outside (0 there).
    EXPECT_EQ(seen["pinit"].second, 0) << result.out;
    EXPECT_EQ(seen["sh"].second, seen["pinit"].first) << result.out;
}

TEST(Join, ExitCodesAndDeathBySignalComeOut) {
    Target target;
    ASSERT_GT(target.pid(), 0);
    EXPECT_EQ(join(target, "exit 0").code, 0);
    EXPECT_EQ(join(target, "exit 7").code, 7);
    EXPECT_EQ(join(target, "kill -TERM $$").code, 143);
    auto remapped =
        run({pinit(), "--join", target.pid_text(), "-e", "7", "--", "sh", "-c", "exit 7"});
    EXPECT_EQ(remapped.code, 0) << remapped.err;
}

TEST(Join, SignalsToTheJoinerReachTheCommand) {
    Target target;
    ASSERT_GT(target.pid(), 0);
    Process joined({pinit(), "--join", target.pid_text(), "--", helper("sigrecorder"), "15"});
    ASSERT_TRUE(joined.wait_for_output("ready", kEventMs)) << joined.err();
    for (int sig : {SIGHUP, SIGUSR1, SIGRTMIN + 3, SIGWINCH, SIGTERM}) {
        ASSERT_EQ(kill(joined.pid(), sig), 0);
        std::string line = "\n" + std::to_string(sig) + "\n";
        ASSERT_TRUE(joined.wait_for_output(line, kEventMs)) << sig << ": " << joined.out();
    }
    EXPECT_EQ(joined.wait(kEventMs), 0) << joined.err();
}

// The target's PID 1 (sleep) never reaps: the orphans of the joined command must not end up
// as its zombies.
TEST(Join, OrphansAreReapedByPinitNotLeftToTheTargetsPid1) {
    Target target;
    ASSERT_GT(target.pid(), 0);
    auto result =
        run({pinit(), "--join", target.pid_text(), "--", helper("orphanstorm"), "500"}, {}, 120000);
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    auto left = harness::processes_in_pid_ns_of(target.pid());
    EXPECT_EQ(count_state(left, true), 0) << "zombies in the target";
    EXPECT_EQ(left.size(), 1u) << "only the target's PID 1 should remain";
}

TEST(Join, KillingTheJoinerLeavesNothingRunningInside) {
    Target target;
    ASSERT_GT(target.pid(), 0);
    Process joined({pinit(), "--join", target.pid_text(), "--", "sh", "-c",
                    "sleep 200 & sleep 300 & echo started; wait"});
    ASSERT_TRUE(joined.wait_for_output("started", kEventMs)) << joined.err();
    pid_t pid1 = target.pid();
    ASSERT_GE(count_state(harness::processes_in_pid_ns_of(pid1), false),
              5);  // sleep, pinit, sh, 2 sleeps
    ASSERT_EQ(kill(joined.pid(), SIGKILL), 0);
    EXPECT_EQ(joined.wait(kEventMs), killed_by(SIGKILL));
    // pinit inside ends the command and the rest, then exits: an orphan of the joiner, which
    // comes back to the test (a subreaper) as the joiner's parent, to reap.
    EXPECT_TRUE(harness::wait_until(
        [&] {
            for (const auto& [pid, state] : harness::processes_in_pid_ns_of(pid1))
                if (state == 'Z' && parent_of(pid) == getpid()) waitpid(pid, nullptr, 0);
            return harness::processes_in_pid_ns_of(pid1).size() == 1;
        },
        kEventMs))
        << harness::processes_in_pid_ns_of(pid1).size() << " still inside";
}

TEST(Join, TheTargetDyingEndsTheJoinWith137) {
    Target target;
    ASSERT_GT(target.pid(), 0);
    Process joined({pinit(), "--join", target.pid_text(), "--", "sleep", "300"});
    pid_t pid1 = target.pid();
    ASSERT_TRUE(harness::wait_until(
        [&] { return harness::processes_in_pid_ns_of(pid1).size() == 3; }, kEventMs));
    target.end();
    EXPECT_EQ(joined.wait(kEventMs), 137) << joined.err();
}

TEST(Join, NoSuchProcessAStalePidFileAndAMissingOne) {
    harness::TempDir dir;
    // pid_max itself is never a pid (they stay below it).
    std::string id = std::to_string(std::stol(harness::read_file("/proc/sys/kernel/pid_max")));
    auto result = run({pinit(), "--join", id, "--", "true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --join " + id + ": No such process\n");
    std::ofstream(dir / "stale.pid") << "garbage\n";
    result = run({pinit(), "--join", dir / "stale.pid", "--", "true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --join " + dir / "stale.pid" + ": No such process\n");
    // A pid file naming a process of pinit's own pid namespace is no sandbox's: stale.
    std::ofstream(dir / "own.pid") << getpid() << "\n";
    result = run({pinit(), "--join", dir / "own.pid", "--", "true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --join " + dir / "own.pid" + ": No such process\n");
    result = run({pinit(), "--join", dir / "none.pid", "--", "true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --join " + dir / "none.pid" + ": No such file or directory\n");
}

TEST(Join, ItsOwnNamespacesJustRunTheCommandAndChdirApplies) {
    auto result = run({pinit(), "--join", std::to_string(getpid()), "--chdir", "/tmp", "--", "sh",
                       "-c", "pwd; exit 3"});
    EXPECT_EQ(result.code, 3) << result.err;
    EXPECT_EQ(result.out, "/tmp\n");
}

TEST(Join, CannotBeCombinedWithNewNsOrTheSandboxOptions) {
    for (const char* option : {"--new-ns", "--root=/", "--bind=/tmp", "--tmpfs=/tmp"}) {
        auto result = run({pinit(), "--join", "1", option, "--", "true"});
        EXPECT_EQ(result.code, 125) << option;
        EXPECT_EQ(result.err,
                  "pinit: --join cannot be combined with --new-ns or its options\n"
                  "Try 'pinit --help'.\n")
            << option;
    }
}

// A target of root's, joined by nobody; one of another user's (uid 65533), joined by nobody.
TEST(Join, RefusedJoinsNameTheNamespaceAndLeaveNothingBehind) {
    Target roots;
    ASSERT_GT(roots.pid(), 0);
    pid_t pid1 = roots.pid();
    auto result = run({pinit(), "--join", roots.pid_text(), "--", "true"},
                      {.in_child = harness::become_nobody});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --join " + roots.pid_text() + ": setns pid: Permission denied\n");
    EXPECT_EQ(harness::processes_in_pid_ns_of(pid1).size(), 1u);

    harness::TempDir run_dir;
    chmod(run_dir.path().c_str(), 0777);
    std::string pid_file = run_dir / "other.pid";
    Process other({pinit(), "--new-ns", "--pid-file", pid_file, "--", "/bin/sleep", "1000"},
                  {.in_child =
                       [] {
                           if (setgroups(0, nullptr) < 0 || setresgid(65533, 65533, 65533) < 0 ||
                               setresuid(65533, 65533, 65533) < 0)
                               _exit(124);
                       },
                   .stdin_null = true});
    ASSERT_TRUE(harness::wait_until([&] { return has_pid(pid_file); }, kEventMs)) << other.err();
    result = run({pinit(), "--join", pid_file, "--", "true"}, {.in_child = harness::become_nobody});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --join " + pid_file + ": setns pid: Permission denied\n");
    kill(other.pid(), SIGKILL);
    EXPECT_EQ(other.wait(kEventMs), killed_by(SIGKILL));
}

// A sandbox of nobody's where root is not mapped (unshare --map-current-user): the host's root
// would keep uid 0 in there, for nobody to trace. Refused; nobody itself joins as itself.
TEST(Join, RootIsRefusedWhereRootIsUnmappedAndAUserKeepsItsIds) {
    Target target({"--user", "--map-current-user"}, "true", harness::become_nobody);
    ASSERT_GT(target.pid(), 0);
    auto as_root = run({pinit(), "--join", target.pid_text(), "--", "true"});
    EXPECT_EQ(as_root.code, 125);
    EXPECT_EQ(as_root.err,
              "pinit: --join " + target.pid_text() + ": setns user: Invalid argument\n");
    auto as_nobody = run({pinit(), "--join", target.pid_text(), "--", "id", "-u"},
                         {.in_child = harness::become_nobody});
    EXPECT_EQ(as_nobody.code, 0) << as_nobody.err;
    EXPECT_EQ(as_nobody.out, "65534\n");
}

// Root's supplementary groups go before the user namespace is entered: in one that denies
// setgroups (unshare -r) they could not be dropped after.
TEST(Join, RootsSupplementaryGroupsStayOutside) {
    Target target({"--user", "--map-root-user"});
    ASSERT_GT(target.pid(), 0);
    auto result =
        join(target, "sed -n 's/^Groups:[[:space:]]*//p' /proc/self/status", {.in_child = [] {
                 gid_t groups[] = {4, 27};
                 if (setgroups(2, groups) < 0) _exit(124);
             }});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "\n");
}

TEST(Join, AsRootTheCommandJoinsTheTargetsCgroups) {
    harness::PidsCgroup cgroup;
    if (!cgroup.valid()) GTEST_SKIP() << "no pids cgroup to make";
    Target target({}, "true", cgroup.join());
    ASSERT_GT(target.pid(), 0);
    std::string theirs = harness::read_file("/proc/" + target.pid_text() + "/cgroup");
    ASSERT_NE(theirs, harness::read_file("/proc/self/cgroup"));
    auto result = join(target, "cat /proc/self/cgroup");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, theirs);
}

// A sandbox a user started, joined by that user through its pid file: as root, and rootless
// (where PID 1 sits in a nested user namespace that does not own its pid namespace).
class JoinSandbox : public harness::RootAndRootless {};
INSTANTIATE_TEST_SUITE_P(RootAndRootless, JoinSandbox, ::testing::Values(false, true),
                         harness::root_or_rootless);

TEST_P(JoinSandbox, TheCallerJoinsItsOwnSandboxByItsPidFile) {
    if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "busybox-static not installed";
    harness::TempDir root, run_dir;
    chmod(root.path().c_str(), 0755);
    chmod(run_dir.path().c_str(), 0777);
    for (const char* dir : {"bin", "proc", "dev"}) fs::create_directories(root / dir);
    fs::copy_file("/bin/busybox", root / "bin/busybox");
    for (const char* tool : {"sh", "cat", "hostname", "sleep", "id", "pwd"})
        fs::create_symlink("busybox", root / ("bin/" + std::string(tool)));
    std::ofstream(root / "marker") << "the rootfs\n";
    std::string pid_file = run_dir / "box.pid";
    Process sandbox({pinit(), "--new-ns=uts,net", "--hostname", "box", "--root", root.path(),
                     "--pid-file", pid_file, "--", "/bin/sleep", "1000"},
                    {.in_child = caller(), .stdin_null = true});
    ASSERT_TRUE(harness::wait_until([&] { return has_pid(pid_file); }, kEventMs)) << sandbox.err();
    auto result = run({pinit(), "--join", pid_file, "--", "/bin/sh", "-c",
                       "cat /marker; hostname; pwd; id -u; cat /proc/1/comm"},
                      {.in_child = caller()});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "the rootfs\nbox\n/\n0\npinit\n");
    kill(sandbox.pid(), SIGTERM);
    EXPECT_EQ(sandbox.wait(kEventMs), 143);
}

}  // namespace
