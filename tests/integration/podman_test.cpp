// pinit under podman, the other engine: as ENTRYPOINT, as `podman run --init` (podman-init),
// and as the infra container of a pod (`pinit --pause`) whose app containers share its pid
// namespace. Images come from `podman import` of a busybox tree (no registry is reachable).
// Debian 12's podman needs runc on a hybrid-cgroup host and no default rlimits: a
// containers.conf of the test's own says so (CONTAINERS_CONF).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::run;

namespace {

namespace fs = std::filesystem;
constexpr int kPodmanMs = 60000;
const std::string kTag = std::to_string(getpid());
const std::string kImage = "localhost/pinit-test-podman:" + kTag;      // ENTRYPOINT pinit --
const std::string kPauseImage = "localhost/pinit-test-pause:" + kTag;  // ENTRYPOINT pinit --pause
const std::string kPlainImage = "localhost/pinit-test-plain:" + kTag;  // busybox only

harness::Result podman(harness::Argv args, int timeout_ms = kPodmanMs) {
    args.insert(args.begin(), "/usr/bin/podman");
    return run(args, {}, timeout_ms);
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

class Podman : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (access("/usr/bin/podman", X_OK) != 0) {
            skip_reason_ = "podman not installed";
            return;
        }
        if (access("/bin/busybox", X_OK) != 0) {
            skip_reason_ = "busybox-static not installed";
            return;
        }
        std::ofstream(config_.path() + "/containers.conf")
            << "[containers]\ndefault_ulimits = []\n[engine]\nruntime = \"runc\"\n";
        setenv("CONTAINERS_CONF", (config_.path() + "/containers.conf").c_str(), 1);
        std::string tree = config_ / "rootfs";
        fs::create_directories(tree + "/bin");
        fs::copy_file("/bin/busybox", tree + "/bin/busybox");
        for (const char* tool : {"sh", "sleep", "ps", "grep", "echo"})
            fs::create_symlink("busybox", tree + "/bin/" + tool);
        fs::copy_file(harness::pinit(), tree + "/pinit");
        std::string tar = config_ / "rootfs.tar";
        if (run({"/bin/tar", "-C", tree, "-cf", tar, "."}).code != 0) {
            skip_reason_ = "tar of the image tree failed";
            return;
        }
        for (const auto& [image, entrypoint] :
             {std::pair{kImage, "ENTRYPOINT [\"/pinit\", \"--\"]"},
              {kPauseImage, "ENTRYPOINT [\"/pinit\", \"--pause\"]"},
              {kPlainImage, ""}}) {
            harness::Argv args = {"import"};
            if (*entrypoint) args.insert(args.end(), {"--change", entrypoint});
            args.insert(args.end(), {tar, image});
            auto imported = podman(args);
            if (imported.code != 0) {
                skip_reason_ = "podman import failed: " + imported.err;
                return;
            }
        }
    }
    static void TearDownTestSuite() {
        if (access("/usr/bin/podman", X_OK) == 0)
            podman({"rmi", "-f", kImage, kPauseImage, kPlainImage});
    }
    void SetUp() override {
        if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
        name_ = "pinit-test-" + kTag + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    }
    void TearDown() override {
        if (!skip_reason_.empty()) return;
        podman({"rm", "-f", name_});
        podman({"pod", "rm", "-f", pod_name()});
    }

    // Short: a pod sharing uts gets its name as hostname (at most 64 characters).
    static std::string pod_name() { return "pinit-test-pod-" + kTag; }

    static inline harness::TempDir config_;
    static inline std::string skip_reason_;
    std::string name_;
};

TEST_F(Podman, EntrypointPinitIsPid1AndPassesExitCodes) {
    auto ps = podman({"run", "--rm", kImage, "ps", "-o", "pid,comm"});
    ASSERT_EQ(ps.code, 0) << ps.err;
    EXPECT_EQ(harness::busybox_ps(ps.out)[1], "pinit") << ps.out;
    EXPECT_EQ(podman({"run", "--rm", kImage, "sh", "-c", "exit 7"}).code, 7);
    auto storm = podman({"run", "--rm", kImage, "sh", "-c", harness::kOrphanStormScript});
    EXPECT_EQ(storm.out, "zombies=0\n") << storm.err;
}

// `podman run --init --init-path pinit`: pinit is podman-init, PID 1.
TEST_F(Podman, RunInitWithPinitAsInitPath) {
    auto ps = podman({"run", "--rm", "--init", "--init-path", harness::pinit(), kPlainImage, "ps",
                      "-o", "pid,comm"});
    ASSERT_EQ(ps.code, 0) << ps.err;
    EXPECT_EQ(harness::busybox_ps(ps.out)[1], "podman-init") << ps.out;
    EXPECT_EQ(podman({"run", "--rm", "--init", "--init-path", harness::pinit(), kPlainImage, "sh",
                      "-c", "exit 9"})
                  .code,
              9);
}

// podman stop sends TERM; pinit forwards it, the command dies of it: 143, not podman's KILL.
TEST_F(Podman, StopEndsTheContainerWith143) {
    ASSERT_EQ(podman({"run", "-d", "--name", name_, kImage, "sleep", "1000"}).code, 0);
    ASSERT_EQ(podman({"stop", "-t", "10", name_}).code, 0);
    EXPECT_EQ(trim(podman({"inspect", "-f", "{{.State.ExitCode}}", name_}).out), "143");
}

// A pod whose infra container is `pinit --pause`: the app container shares its pid namespace,
// its orphans come to pinit, and `podman pod stop` ends the infra with 0.
TEST_F(Podman, APodWithPinitPauseAsItsInfraReapsTheAppsOrphans) {
    std::string pod = pod_name();
    auto created = podman(
        {"pod", "create", "--name", pod, "--share", "pid,ipc,uts", "--infra-image", kPauseImage});
    ASSERT_EQ(created.code, 0) << created.err;
    ASSERT_EQ(podman({"pod", "start", pod}).code, 0);
    auto ps = podman({"run", "--rm", "--pod", pod, kPlainImage, "ps", "-o", "pid,comm"});
    ASSERT_EQ(ps.code, 0) << ps.err;
    EXPECT_EQ(harness::busybox_ps(ps.out)[1], "pinit") << ps.out;
    auto storm =
        podman({"run", "--rm", "--pod", pod, kPlainImage, "sh", "-c", harness::kOrphanStormScript});
    EXPECT_EQ(storm.code, 0) << storm.err;
    EXPECT_EQ(storm.out, "zombies=0\n");
    ASSERT_EQ(podman({"pod", "stop", "-t", "10", pod}).code, 0);
    std::string infra = trim(podman({"pod", "inspect", "-f", "{{.InfraContainerID}}", pod}).out);
    EXPECT_EQ(trim(podman({"inspect", "-f", "{{.State.ExitCode}}", infra}).out), "0");
}

}  // namespace
