// What the child gets from pinit: signal state, fds, argv/env, stdio, death with pinit, a tty.
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::helper;
using harness::pinit;
using harness::Process;
using harness::run;

namespace {

constexpr int kEventMs = 15000;

// The caller (e.g. `nohup`, or a shell's `trap '' INT`) gives pinit a mask and SIG_IGNs.
void odd_signal_state() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_SETMASK, &set, nullptr);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);
}

TEST(ChildState, CallersSignalMaskAndIgnoredSignalsReachTheChildExactly) {
    auto direct = run({helper("sigstate")}, {.in_child = odd_signal_state});
    auto under_pinit = run({pinit(), helper("sigstate")}, {.in_child = odd_signal_state});
    ASSERT_EQ(direct.code, 0);
    ASSERT_EQ(under_pinit.code, 0);
    EXPECT_NE(direct.out.find("SigBlk:\t0000000"), std::string::npos);
    if (harness::emulated()) {
        // qemu-user handles HUP and INT itself, so their SIG_IGN is lost at any exec it runs
        // (pinit's or not); the mask, real-time signals included, is still checked.
        auto blocked = [](const std::string& out) { return out.substr(0, out.find('\n')); };
        EXPECT_EQ(blocked(under_pinit.out), blocked(direct.out));
        return;
    }
    EXPECT_EQ(under_pinit.out, direct.out);
    // With nothing changed, the child sees what the test runner itself had.
    EXPECT_EQ(run({pinit(), helper("sigstate")}).out, run({helper("sigstate")}).out);
}

TEST(ChildState, ChildInheritsExactlyThePinitsInheritedFds) {
    auto pass_fd_7 = [] {
        int fd = open("/dev/null", O_RDONLY);  // not close-on-exec: meant to be inherited
        dup2(fd, 7);
        close(fd);
    };
    auto direct = run({helper("fdlist")}, {.in_child = pass_fd_7});
    auto under_pinit = run({pinit(), helper("fdlist")}, {.in_child = pass_fd_7});
    EXPECT_EQ(direct.out, "0 1 2 7\n");
    EXPECT_EQ(under_pinit.out, direct.out);
}

TEST(ChildState, ArgvAndEnvironmentArriveByteExact) {
    std::vector<std::string> args = {"",     "two words", "line\nbreak", "\xff\xfe invalid utf-8",
                                     "-v",   "--help",    "--",          "*",
                                     "$HOME"};
    std::vector<std::string> env = {"EMPTY=", "NL=a\nb", "BIN=\x01\xff", "PINIT_X=1", "=odd"};
    harness::Argv argv = {pinit(), helper("argdump")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run(argv, {.env = env});
    ASSERT_EQ(result.code, 0) << result.err;
    std::string expected;
    for (const auto& arg : args) expected += arg + '\0';
    expected += '\0';
    for (const auto& entry : env) expected += entry + '\0';
    expected += '\0';
    EXPECT_EQ(result.out, expected);
}

TEST(ChildState, TenMegabytesPassThroughStdinAndStdout) {
    std::string data(10 * 1024 * 1024, '\0');
    std::mt19937 random(7);
    for (char& c : data) c = static_cast<char>(random());
    auto result = run({pinit(), "cat"}, {.input = data}, 60000);
    EXPECT_EQ(result.code, 0);
    EXPECT_TRUE(result.out == data) << "got " << result.out.size() << " bytes";
}

TEST(ChildState, ChildKeepsTheCallersWorkingDirectory) {
    auto result = run({pinit(), "pwd"}, {.in_child = [] { (void)chdir("/usr/share"); }});
    EXPECT_EQ(result.out, "/usr/share\n");
}

// None of tini, dumb-init or catatonit does this: their child lives on (PEERS.md §2).
TEST(ChildState, SigkillOfPinitKillsTheChild) {
    Process pinit_process({pinit(), "sh", "-c", "echo $$; exec sleep 1000"}, {.stdin_null = true});
    ASSERT_TRUE(pinit_process.wait_for_output("\n", kEventMs));
    pid_t child = std::stoi(pinit_process.out());
    ASSERT_EQ(kill(pinit_process.pid(), SIGKILL), 0);
    EXPECT_EQ(pinit_process.wait(kEventMs), harness::killed_by(SIGKILL));
    // The orphaned child comes back to this test process (a subreaper): wait for its death.
    int status = 0;
    bool died =
        harness::wait_until([&] { return waitpid(child, &status, WNOHANG) == child; }, kEventMs);
    ASSERT_TRUE(died);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST(ChildState, PdeathsigOptionSignalsPinitWhenItsParentDies) {
    // sh starts `pinit -p USR1` and exits when told; pinit then gets USR1 and forwards it.
    std::string script =
        pinit() + " -p SIGUSR1 -- " + helper("sigrecorder") + " 10 </dev/null & read line; exit 0";
    Process parent({"/bin/sh", "-c", script}, {.keep_stdin_open = true});
    ASSERT_TRUE(parent.wait_for_output("ready", kEventMs)) << parent.err();
    parent.write_input("go\n");
    EXPECT_TRUE(parent.wait_for_output("\n10\n", kEventMs)) << parent.out();
}

// A terminal session: the child owns the foreground, reads a line, and ^C ends it with 130.
TEST(ChildState, InATerminalTheChildIsForegroundAndCtrlCGives130) {
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        execl(PINIT_BIN, PINIT_BIN, "--", HELPER_DIR "/ttyprobe", static_cast<char*>(nullptr));
        _exit(126);
    }
    std::string screen;
    auto read_until = [&](const std::string& needle) {
        return harness::wait_until(
            [&] {
                char buf[256];
                ssize_t n = read(master, buf, sizeof buf);
                if (n > 0) screen.append(buf, static_cast<size_t>(n));
                return screen.find(needle) != std::string::npos;
            },
            kEventMs);
    };
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    EXPECT_TRUE(read_until("fg=1")) << screen;
    ASSERT_EQ(write(master, "hello\n", 6), 6);
    EXPECT_TRUE(read_until("read: hello")) << screen;
    ASSERT_EQ(write(master, "\x03", 1), 1);
    int status = 0;
    bool exited =
        harness::wait_until([&] { return waitpid(pid, &status, WNOHANG) == pid; }, kEventMs);
    close(master);
    ASSERT_TRUE(exited);
    EXPECT_EQ(harness::code_of(status), 130);
}

}  // namespace
