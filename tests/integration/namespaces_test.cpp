// --new-ns: pinit as PID 1 of new namespaces, as root and as an ordinary user (nobody).
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
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
using harness::kNobody;

class NewNs : public harness::RootAndRootless {};

INSTANTIATE_TEST_SUITE_P(RootAndRootless, NewNs, ::testing::Values(false, true),
                         harness::root_or_rootless);

TEST_P(NewNs, PsShowsExactlyPinitAsPid1AndTheCommandAsPid2) {
    auto result = run_new_ns({"--new-ns", "--", "ps", "-eo", "pid=,ppid=,comm="});
    ASSERT_EQ(result.code, 0) << result.err;
    std::istringstream lines(result.out);
    std::string pid, ppid, comm;
    ASSERT_TRUE(lines >> pid >> ppid >> comm);
    EXPECT_EQ(pid + " " + comm, "1 pinit");
    ASSERT_TRUE(lines >> pid >> ppid >> comm);
    EXPECT_EQ(pid + " " + ppid + " " + comm, "2 1 ps");
    EXPECT_FALSE(lines >> pid) << result.out;
}

TEST_P(NewNs, InsideIsRootUnlessMapUser) {
    EXPECT_EQ(run_new_ns({"-n", "id", "-u"}).out, "0\n");
    std::string self = rootless() ? "65534\n" : "0\n";
    EXPECT_EQ(run_new_ns({"--new-ns", "--map-user", "id", "-u"}).out, self);
}

TEST_P(NewNs, OrphanStormLeavesNoZombies) {
    auto result = run_new_ns({"--new-ns", "--", helper("orphanstorm"), "1000"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "zombies: 0\n");
}

TEST_P(NewNs, ProcIsAFreshMountWithNosuidNodevNoexec) {
    auto result = run_new_ns({"--new-ns", "cat", "/proc/self/mountinfo"});
    ASSERT_EQ(result.code, 0) << result.err;
    std::string proc_line;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);)
        if (line.find(" /proc ") != std::string::npos && line.find(" - proc ") != std::string::npos)
            proc_line = line;  // the last one is the top of the stack
    ASSERT_NE(proc_line, "") << result.out;
    for (const char* option : {"nosuid", "nodev", "noexec"})
        EXPECT_NE(proc_line.find(option), std::string::npos) << proc_line;
    // Propagation private: no "shared:" tag on any mount inside.
    EXPECT_EQ(result.out.find("shared:"), std::string::npos) << result.out;
}

// Docker tests may add overlay mounts in parallel: look for this test's own mounts only.
TEST_P(NewNs, HostMountTableIsUnchangedByMountsInside) {
    auto result = run_new_ns({"--new-ns", "sh", "-c",
                              "mount -t tmpfs pinit-test-tmpfs /mnt && grep -c pinit-test-tmpfs "
                              "/proc/self/mountinfo"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "1\n");  // it was mounted inside
    std::string host = harness::read_file("/proc/self/mountinfo");
    EXPECT_EQ(host.find("pinit-test-tmpfs"), std::string::npos);
}

TEST_P(NewNs, HostnameChangesStayInside) {
    std::string host = run({"/bin/hostname"}).out;
    auto result = run_new_ns({"--hostname", "pinit-box", "--", "hostname"});
    EXPECT_EQ(result.out, "pinit-box\n") << result.err;
    auto uts = run_new_ns({"--new-ns=uts", "sh", "-c", "hostname changed && hostname"});
    EXPECT_EQ(uts.out, "changed\n") << uts.err;
    EXPECT_EQ(run({"/bin/hostname"}).out, host);
}

TEST_P(NewNs, TwoNetNamespacesBindTheSamePort) {
    auto listen = [this] {
        std::vector<std::string> argv = {pinit(), "--new-ns=net", helper("listener"), "8080"};
        return std::make_unique<Process>(
            argv, harness::Options{.in_child = caller(), .stdin_null = true});
    };
    auto first = listen();
    auto second = listen();
    EXPECT_TRUE(first->wait_for_output("listening 8080", kEventMs)) << first->err();
    EXPECT_TRUE(second->wait_for_output("listening 8080", kEventMs)) << second->err();
    // IFF_UP (0x1) and IFF_LOOPBACK (0x8): pinit brought lo up.
    auto lo = run_new_ns({"--new-ns=net", "cat", "/sys/class/net/lo/flags"});
    EXPECT_EQ(lo.out, "0x9\n") << lo.err;
}

TEST_P(NewNs, SignalsToTheLauncherReachTheCommand) {
    std::vector<std::string> argv = {pinit(), "--new-ns", helper("sigrecorder"), "12"};
    Process launcher(argv, {.in_child = caller(), .stdin_null = true});
    ASSERT_TRUE(launcher.wait_for_output("ready", kEventMs)) << launcher.err();
    for (int sig : {SIGTERM, SIGHUP, SIGUSR1, 34 + 3, SIGWINCH}) {
        kill(launcher.pid(), sig);
        EXPECT_TRUE(launcher.wait_for_output("\n" + std::to_string(sig) + "\n", kEventMs))
            << "signal " << sig << "; got " << launcher.out();
    }
    kill(launcher.pid(), SIGUSR2);
    EXPECT_EQ(launcher.wait(kEventMs), 0);
}

TEST_P(NewNs, ExitCodesPassThrough) {
    EXPECT_EQ(run_new_ns({"--new-ns", "sh", "-c", "exit 7"}).code, 7);
    EXPECT_EQ(run_new_ns({"--new-ns", helper("raise"), "15"}).code, 143);
    auto missing = run_new_ns({"--new-ns", "pinit-no-such-command"});
    EXPECT_EQ(missing.code, 127);
    EXPECT_EQ(missing.err, "pinit: pinit-no-such-command: command not found\n");
}

TEST_P(NewNs, SigkillOfTheLauncherLeavesNothingRunning) {
    harness::PidsCgroup cgroup;
    ASSERT_TRUE(cgroup.valid());
    std::vector<std::string> argv = {pinit(), "--new-ns", "sh", "-c",
                                     "sleep 1000 & sleep 1000 & echo up; wait"};
    Process launcher(argv, {.in_child = caller(&cgroup), .stdin_null = true});
    ASSERT_TRUE(launcher.wait_for_output("up", kEventMs)) << launcher.err();
    ASSERT_GE(cgroup.count(), 5);  // launcher, PID 1, sh, two sleeps
    kill(launcher.pid(), SIGKILL);
    EXPECT_EQ(launcher.wait(kEventMs), harness::killed_by(SIGKILL));
    EXPECT_TRUE(harness::wait_until([&] { return cgroup.count() == 0; }, kEventMs))
        << cgroup.count() << " left";
}

TEST_P(NewNs, ShutdownCascadeRunsInside) {
    harness::PidsCgroup cgroup;
    ASSERT_TRUE(cgroup.valid());
    auto result = run_new_ns(
        {"--new-ns", "-t", "0.2", "--", helper("lingerer"), "-i", "-s", "5", "5", "3"}, &cgroup);
    EXPECT_EQ(result.code, 3) << result.err;
    EXPECT_EQ(cgroup.count(), 0);
}

TEST_P(NewNs, SetupFailureIsReportedByTheLauncherWith125) {
    auto result = run_new_ns({"--new-ns", "--root", "/nonexistent-pinit-root", "true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: bind --root: No such file or directory\n");
}

// A tiny rootfs: busybox-static as /bin/sh and /bin/ls.
TEST_P(NewNs, RootDirBecomesTheNewRoot) {
    const char* busybox = "/bin/busybox";
    if (access(busybox, X_OK) != 0) GTEST_SKIP() << "busybox-static not installed";
    char templ[] = "/tmp/pinit-rootfs-XXXXXX";
    std::string root = mkdtemp(templ);
    chmod(root.c_str(), 0755);
    for (const char* dir : {"/bin", "/dev", "/proc", "/marker-dir"})
        mkdir((root + dir).c_str(), 0755);
    std::filesystem::copy_file(busybox, root + "/bin/busybox");
    for (const char* tool : {"sh", "ls", "cat"})
        symlink("busybox", (root + "/bin/" + tool).c_str());
    auto result =
        run_new_ns({"--new-ns", "--root", root, "--", "/bin/sh", "-c", "ls /; cat /proc/1/comm"});
    std::filesystem::remove_all(root);
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "bin\ndev\nmarker-dir\nproc\npinit\n");  // dev: made by pinit
}

TEST(NewNsRootless, CannotWriteARootOwnedHostFileThoughRootInside) {
    char templ[] = "/tmp/pinit-owned-XXXXXX";
    std::string dir = mkdtemp(templ);
    chmod(dir.c_str(), 0755);
    std::string file = dir + "/root-file";
    std::ofstream(file) << "original\n";
    chmod(file.c_str(), 0644);
    auto result = run({pinit(), "--new-ns", "sh", "-c", "id -u; echo changed > " + file},
                      {.in_child = harness::become_nobody});
    EXPECT_EQ(result.out, "0\n");
    EXPECT_NE(result.code, 0);
    EXPECT_EQ(harness::read_file(file), "original\n");
    std::filesystem::remove_all(dir);
}

// user.max_user_namespaces is per user namespace: set it to 0 in a throw-away one, so the host's
// setting is never touched.
TEST(NewNsRootless, DisabledUserNamespacesGive125AndNameTheSetting) {
    auto result = run({"/usr/bin/unshare", "--user", "--map-root-user", "/bin/sh", "-c",
                       "echo 0 > /proc/sys/user/max_user_namespaces && exec " + pinit() +
                           " --new-ns=user -- true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err,
              "pinit: user namespaces are disabled: sysctl user.max_user_namespaces is 0\n");
}

TEST(NewNsOptions, UnknownNamespaceGives125WithTheValidList) {
    auto result = run({pinit(), "--new-ns=pid,time", "true"});
    EXPECT_EQ(result.code, 125);
    EXPECT_NE(result.err.find("pid,mnt,user,uts,ipc,net,cgroup"), std::string::npos) << result.err;
}

}  // namespace
