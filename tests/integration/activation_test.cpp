// Socket activation through pinit: systemd passes listening sockets from fd 3 on with
// LISTEN_PID=<the receiver's pid>, and the command behind pinit must find its own pid there
// (catatonit#13), in entrypoint mode and inside --new-ns (its pid as seen inside).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::helper;
using harness::Process;

namespace {

constexpr int kEventMs = 20000;

// Connects to the unix socket at path and reads until the server closes (bounded by poll).
std::string ask(const std::string& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
        close(fd);
        return "connect failed";
    }
    timeval timeout = {20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string answer;
    char buf[256];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
        answer.append(buf, static_cast<size_t>(n));
    close(fd);
    return answer;
}

class SocketActivation : public harness::BothModes {};
PINIT_BOTH_MODES(SocketActivation);

TEST_P(SocketActivation, TheCommandGetsLISTEN_PIDAsItsOwnPid) {
    if (access("/usr/bin/systemd-socket-activate", X_OK) != 0)
        GTEST_SKIP() << "systemd-socket-activate not installed (Debian: systemd)";
    harness::TempDir dir;
    std::string socket_path = dir / "server.sock";
    harness::Argv argv = {"/usr/bin/systemd-socket-activate", "-l", socket_path};
    harness::Argv inner = pinit_argv({"--", helper("sdlisten")});
    argv.insert(argv.end(), inner.begin(), inner.end());
    Process activator(argv, {.stdin_null = true});
    ASSERT_TRUE(activator.wait_for_output("Listening on", kEventMs, true)) << activator.err();
    std::string answer = ask(socket_path);
    EXPECT_EQ(activator.wait(kEventMs), 0) << activator.err();
    // Inside --new-ns the command is pid 2; in entrypoint mode some pid, its own either way.
    if (std::string(GetParam()).empty())
        EXPECT_EQ(answer.rfind("ok pid=", 0), 0u) << answer << activator.err();
    else
        EXPECT_EQ(answer, "ok pid=2 fds=1\n") << activator.err();
    EXPECT_NE(answer.find(" fds=1\n"), std::string::npos) << answer << activator.err();
}

// LISTEN_PID naming another process is not pinit's to change.
TEST_P(SocketActivation, AnotherProcesssLISTEN_PIDIsLeftAlone) {
    auto result = harness::run(
        pinit_argv({"--", "sh", "-c", "echo $LISTEN_PID"}),
        {.env = std::vector<std::string>{"LISTEN_PID=1", "LISTEN_FDS=1", "PATH=/usr/bin:/bin"}});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "1\n");
}

}  // namespace
