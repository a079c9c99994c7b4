// pinit where users run it: a real Docker daemon, as ENTRYPOINT and as `docker run --init`.
// Images are built FROM scratch with pinit and busybox-static (no registry is reachable).
// Skipped, with the reason, where no daemon answers.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::run;

namespace {

constexpr int kDockerMs = 60000;
// Tagged per test process: CTest runs each test in its own process, two at a time, and each
// removes the images it built.
const std::string kImage = "pinit-test-entrypoint:" + std::to_string(getpid());
const std::string kPlainImage = "pinit-test-busybox:" + std::to_string(getpid());  // for --init
const char* kBusybox = "/bin/busybox";
std::string build_error_;  // stderr of a failed docker build, for the skip reason

harness::Result docker(const harness::Argv& args, int timeout_ms = kDockerMs) {
    harness::Argv argv = {"/usr/bin/docker"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, timeout_ms);
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// Builds an image FROM scratch holding busybox, and pinit as ENTRYPOINT when with_pinit.
bool build_image(const std::string& tag, bool with_pinit) {
    char templ[] = "/tmp/pinit-docker-XXXXXX";
    std::string dir = mkdtemp(templ);
    std::filesystem::copy_file(kBusybox, dir + "/busybox");
    std::ofstream dockerfile(dir + "/Dockerfile");
    dockerfile << "FROM scratch\nCOPY busybox /bin/busybox\n"
                  "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";
    if (with_pinit) {
        std::filesystem::copy_file(harness::pinit(), dir + "/pinit");
        dockerfile << "COPY pinit /pinit\nENTRYPOINT [\"/pinit\", \"--\"]\n";
    }
    dockerfile.close();
    // --no-cache: no layer is shared with the images of test processes running alongside, so
    // their `docker rmi` cannot pull one away from under this build.
    auto result = docker({"build", "-q", "--no-cache", "-t", tag, dir});
    std::filesystem::remove_all(dir);
    if (result.code != 0) build_error_ = result.err;
    return result.code == 0;
}

class Docker : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (access("/usr/bin/docker", X_OK) != 0) {
            skip_reason_ = "docker CLI not installed";
        } else if (docker({"info"}, 30000).code != 0) {
            skip_reason_ = "no Docker daemon answers (start dockerd; .ci/run does)";
        } else if (access(kBusybox, X_OK) != 0) {
            skip_reason_ = "busybox-static not installed";
        } else if (!build_image(kImage, true) || !build_image(kPlainImage, false)) {
            skip_reason_ = "docker build of the test images failed: " + build_error_;
        }
    }
    static void TearDownTestSuite() {
        if (skip_reason_.empty()) docker({"rmi", "-f", kImage, kPlainImage});
    }
    void SetUp() override {
        if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
        name_ = "pinit-test-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    }
    void TearDown() override {
        if (skip_reason_.empty()) docker({"rm", "-f", name_});
    }
    // `docker run --name NAME [args]`: the container is removed in TearDown.
    harness::Result run_container(harness::Argv args) {
        args.insert(args.begin(), {"run", "--name", name_});
        return docker(args);
    }
    bool wait_for_log(const std::string& text) {
        return harness::wait_until(
            [&] {
                return docker({"logs", name_}).out.find(text) != std::string::npos;
            },
            30000);
    }
    int exit_code() { return std::stoi(trim(docker({"wait", name_}).out)); }

    static inline std::string skip_reason_;
    std::string name_;
};

TEST_F(Docker, PinitIsPid1AndTheCommandItsChild) {
    auto result = run_container({kImage, "ps", "-o", "pid,ppid,comm"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_NE(result.out.find("    1     0 pinit"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("1 ps"), std::string::npos) << result.out;
}

// Orphans (children of short-lived subshells) come to PID 1; none stays a zombie.
TEST_F(Docker, OrphanStormLeavesNoZombies) {
    auto result = run_container({kImage, "sh", "-c", harness::kOrphanStormScript});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "zombies=0\n");
}

// docker exec done by pinit: `pinit --join $(docker inspect -f '{{.State.Pid}}' c) -- ps` in a
// container whose PID 1 (sleep) never reaps.
TEST_F(Docker, JoinRunsInTheContainerReapsItsOrphansAndJoinsItsCgroups) {
    ASSERT_EQ(run_container({"-d", kPlainImage, "sleep", "1000"}).code, 0);
    std::string pid = trim(docker({"inspect", "-f", "{{.State.Pid}}", name_}).out);
    auto ps = run({harness::pinit(), "--join", pid, "--", "ps", "-o", "pid,comm"});
    ASSERT_EQ(ps.code, 0) << ps.err;
    auto seen = harness::busybox_ps(ps.out);
    EXPECT_EQ(seen[1], "sleep") << ps.out;
    EXPECT_EQ(seen.size(), 3u) << ps.out;  // sleep, pinit, ps
    auto storm =
        run({harness::pinit(), "--join", pid, "--", "sh", "-c", harness::kOrphanStormScript}, {},
            120000);
    EXPECT_EQ(storm.code, 0) << storm.err;
    EXPECT_EQ(storm.out, "zombies=0\n");
    // Read inside, both relative to the container's cgroup namespace (if it has one).
    auto cgroups = run({harness::pinit(), "--join", pid, "--", "sh", "-c",
                        "cat /proc/self/cgroup; echo; cat /proc/1/cgroup"});
    ASSERT_EQ(cgroups.code, 0) << cgroups.err;
    size_t blank = cgroups.out.find("\n\n");
    ASSERT_NE(blank, std::string::npos) << cgroups.out;
    EXPECT_EQ(cgroups.out.substr(0, blank + 1), cgroups.out.substr(blank + 2));
    EXPECT_EQ(docker({"exec", name_, "ps", "-o", "stat"}).out.find('Z'), std::string::npos);
}

// A pod: its PID 1 is `pinit --pause`, the app runs in another container sharing its pid
// namespace (`--pid container:pod`, Kubernetes' shareProcessNamespace), and its orphans come to
// pinit. `docker stop` ends the pod with 0 (137 would be Docker's KILL after 10 s).
TEST_F(Docker, PauseIsAPodsPid1ThatReapsTheSharedNamespaceAndStopsWithZero) {
    ASSERT_EQ(run_container({"-d", "--entrypoint", "/pinit", kImage, "--pause"}).code, 0);
    std::string pod = "container:" + name_;
    auto ps = docker({"run", "--rm", "--pid", pod, kPlainImage, "ps", "-o", "pid,comm"});
    ASSERT_EQ(ps.code, 0) << ps.err;
    EXPECT_EQ(harness::busybox_ps(ps.out)[1], "pinit") << ps.out;
    auto storm =
        docker({"run", "--rm", "--pid", pod, kPlainImage, "sh", "-c", harness::kOrphanStormScript});
    EXPECT_EQ(storm.code, 0) << storm.err;
    EXPECT_EQ(storm.out, "zombies=0\n");
    ASSERT_EQ(docker({"stop", name_}).code, 0);
    EXPECT_EQ(exit_code(), 0);
}

TEST_F(Docker, DockerStopDeliversTermToTheCommand) {
    ASSERT_EQ(run_container({"-d", kImage, "sleep", "1000"}).code, 0);
    auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(docker({"stop", name_}).code, 0);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    EXPECT_EQ(exit_code(), 143);  // 137 would mean Docker had to SIGKILL after its 10 s
    RecordProperty("docker_stop_ms", std::to_string(ms.count()));
}

TEST_F(Docker, DockerKillWithUsr1ReachesTheCommand) {
    ASSERT_EQ(run_container(
                  {"-d", kImage, "sh", "-c",
                   "trap 'echo got-usr1; exit 0' USR1; echo ready; while :; do sleep 0.1; done"})
                  .code,
              0);
    ASSERT_TRUE(wait_for_log("ready"));
    ASSERT_EQ(docker({"kill", "-s", "USR1", name_}).code, 0);
    EXPECT_EQ(exit_code(), 0);
    EXPECT_NE(docker({"logs", name_}).out.find("got-usr1"), std::string::npos);
}

TEST_F(Docker, ExitCodesAndMissingCommand) {
    EXPECT_EQ(run_container({kImage, "sh", "-c", "exit 7"}).code, 7);
    docker({"rm", "-f", name_});
    auto missing = run_container({kImage, "no-such-command"});
    EXPECT_EQ(missing.code, 127);
    EXPECT_NE(missing.err.find("pinit: no-such-command: command not found"), std::string::npos)
        << missing.err;
}

TEST_F(Docker, LingeringProcessesGetTermAndTheGraceBeforeTheContainerEnds) {
    char templ[] = "/tmp/pinit-docker-vol-XXXXXX";
    std::string volume = mkdtemp(templ);
    auto result = run_container(
        {"-e", "PINIT_GRACE=5", "-v", volume + ":/out", kImage, "sh", "-c",
         "(trap 'sleep 0.2; touch /out/flushed; exit 0' TERM; touch /out/ready; "
         "while :; do sleep 0.1; done) & while [ ! -e /out/ready ]; do sleep 0.05; done; exit 3"});
    EXPECT_EQ(result.code, 3) << result.err;
    EXPECT_TRUE(std::filesystem::exists(volume + "/flushed"))
        << "no TERM or no grace for the lingerer";
    std::filesystem::remove_all(volume);
}

TEST_F(Docker, InteractiveCtrlCGives130) {
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        execl("/usr/bin/docker", "docker", "run", "-it", "--name", name_.c_str(), kImage.c_str(),
              "sh", "-c", "echo ready; read line", static_cast<char*>(nullptr));
        _exit(126);
    }
    std::string screen;
    bool ready = harness::wait_until(
        [&] {
            char buf[256];
            ssize_t n = read(master, buf, sizeof buf);
            if (n > 0) screen.append(buf, static_cast<size_t>(n));
            return screen.find("ready") != std::string::npos;
        },
        60000);
    EXPECT_TRUE(ready) << screen;
    ASSERT_EQ(write(master, "\x03", 1), 1);
    int status = 0;
    bool exited = harness::wait_until(
        [&] {
            char buf[256];
            (void)!read(master, buf, sizeof buf);  // keep the pty drained
            return waitpid(pid, &status, WNOHANG) == pid;
        },
        60000);
    close(master);
    ASSERT_TRUE(exited);
    EXPECT_EQ(harness::code_of(status), 130);
}

// dockerd --init-path pinit: `docker run --init` gets pinit as /sbin/docker-init.
class DockerInit : public Docker {
protected:
    void SetUp() override {
        Docker::SetUp();
        if (IsSkipped()) return;
        std::string init = trim(docker({"info", "--format", "{{.InitBinary}}"}).out);
        auto version = run({init, "--version"});
        if (version.out.rfind("pinit ", 0) != 0)
            GTEST_SKIP() << "dockerd's init is " << init
                         << ", not pinit (start it with --init-path)";
    }
};

TEST_F(DockerInit, RunInitGetsPinitAsPid1) {
    auto result = run_container(
        {"--init", kPlainImage, "sh", "-c", "ps -o pid,comm; /sbin/docker-init --version"});
    ASSERT_EQ(result.code, 0) << result.err;
    EXPECT_NE(result.out.find("    1 docker-init"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("pinit " PINIT_VERSION " "), std::string::npos) << result.out;
}

TEST_F(DockerInit, RunInitReapsForwardsAndPassesExitCodes) {
    auto storm = run_container({"--init", kPlainImage, "sh", "-c", harness::kOrphanStormScript});
    EXPECT_EQ(storm.out, "zombies=0\n") << storm.err;
    docker({"rm", "-f", name_});
    EXPECT_EQ(run_container({"--init", kPlainImage, "sh", "-c", "exit 9"}).code, 9);
    docker({"rm", "-f", name_});
    ASSERT_EQ(run_container({"-d", "--init", kPlainImage, "sleep", "1000"}).code, 0);
    ASSERT_EQ(docker({"stop", name_}).code, 0);
    EXPECT_EQ(exit_code(), 143);
}

TEST_F(DockerInit, DockerInfoParsesTheInitVersion) {
    std::string commit = trim(docker({"info", "--format", "{{.InitCommit.ID}}"}).out);
    EXPECT_NE(commit, "");
    EXPECT_NE(commit, "N/A") << "dockerd could not parse pinit --version";
}

}  // namespace
