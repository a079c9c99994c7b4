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

// An interactive bash in a pty, for the job-control tests.
class Shell {
public:
    Shell() {
        pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
        if (pid_ == 0) {
            char* env[] = {const_cast<char*>("PS1=prompt$ "),
                           const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
            execle("/bin/bash", "bash", "--norc", "--noprofile", "-i", static_cast<char*>(nullptr),
                   env);
            _exit(126);
        }
        if (pid_ > 0) fcntl(master_, F_SETFL, fcntl(master_, F_GETFL) | O_NONBLOCK);
    }
    ~Shell() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (master_ >= 0) close(master_);
    }
    bool started() const { return pid_ > 0; }
    const std::string& screen() const { return screen_; }

    // Each wait looks past what the previous one matched.
    bool read_until(const std::string& needle) {
        return harness::wait_until(
            [&] {
                char buf[512];
                ssize_t n = read(master_, buf, sizeof buf);
                if (n > 0) screen_.append(buf, static_cast<size_t>(n));
                size_t at = screen_.find(needle, cursor_);
                if (at == std::string::npos) return false;
                cursor_ = at + needle.size();
                return true;
            },
            kEventMs);
    }
    void type(const std::string& keys) {
        ASSERT_EQ(write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
    }
    // Starts command (which says "started") at the prompt and stops it with ^Z.
    void start_and_stop(const std::string& command) {
        EXPECT_TRUE(read_until("prompt$ ")) << screen_;
        type(command + "\n");
        EXPECT_TRUE(read_until("\nstarted")) << screen_;  // the output, not the echoed command
        type("\x1a");
        EXPECT_TRUE(read_until("Stopped")) << screen_;
        EXPECT_TRUE(read_until("prompt$ ")) << screen_;
    }
    // ^C must reach the job, not bash: true once bash has handed the terminal over.
    bool job_has_terminal() {
        return harness::wait_until([&] { return terminal_group() != pid_; }, kEventMs);
    }
    // The exit status of `$?` after the last job, then exit.
    void expect_status_and_exit(const std::string& status) {
        EXPECT_TRUE(read_until("prompt$ ")) << screen_;
        type("echo rc=$?\n");
        EXPECT_TRUE(read_until("rc=" + status)) << screen_;
        type("exit\n");
        int wait_status = 0;
        exited_ = harness::wait_until([&] { return waitpid(pid_, &wait_status, WNOHANG) == pid_; },
                                      kEventMs);
        EXPECT_TRUE(exited_);
    }

private:
    long terminal_group() const {
        std::string stat = harness::read_file("/proc/" + std::to_string(pid_) + "/stat");
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));
        std::string state, ppid, pgrp, session, tty;
        long tpgid = 0;
        fields >> state >> ppid >> pgrp >> session >> tty >> tpgid;
        return tpgid;
    }

    pid_t pid_ = -1;
    int master_ = -1;
    bool exited_ = false;
    std::string screen_;
    size_t cursor_ = 0;
};

// Job control, in entrypoint mode and with --new-ns (where PID 1 cannot stop: it asks the
// launcher to, over their socket).
using JobControl = harness::BothModes;
PINIT_BOTH_MODES(JobControl);

// ^Z stops the command, pinit stops itself so the shell sees its job stopped, `fg` gives the
// terminal back and continues the command, ^C gives 130.
TEST_P(JobControl, CtrlZStopsTheJobAndFgResumesIt) {
    Shell shell;
    ASSERT_TRUE(shell.started());
    shell.start_and_stop(pinit_command() + " -- sh -c 'echo started; exec sleep 100'");
    shell.type("fg\n");
    EXPECT_TRUE(shell.read_until("sleep 100")) << shell.screen();  // bash echoes the job
    EXPECT_TRUE(shell.job_has_terminal());
    shell.type("\x03");
    shell.expect_status_and_exit("130");
}

// `pinit -- cat &`: cat stops on SIGTTIN; pinit stops too, so `jobs` says Stopped, and `fg`
// gives cat the terminal: a typed line comes back, ^C gives 130.
TEST_P(JobControl, BackgroundReaderStopsAndFgGivesItTheTerminal) {
    Shell shell;
    ASSERT_TRUE(shell.started());
    EXPECT_TRUE(shell.read_until("prompt$ ")) << shell.screen();
    shell.type(pinit_command() + " -- cat &\n");
    EXPECT_TRUE(shell.read_until("prompt$ ")) << shell.screen();
    ASSERT_TRUE(harness::wait_until(
        [&] {
            shell.type("jobs\n");
            return shell.read_until("Stopped");
        },
        kEventMs))
        << shell.screen();
    shell.type("fg\n");
    EXPECT_TRUE(shell.read_until("cat")) << shell.screen();
    EXPECT_TRUE(shell.job_has_terminal());
    shell.type("echoed-line\n");
    EXPECT_TRUE(shell.read_until("echoed-line\r\necho")) << shell.screen();  // typed, then cat
    shell.type("\x03");
    shell.expect_status_and_exit("130");
}

// ^Z, then `bg`: a job that only writes runs on in the background and finishes.
TEST_P(JobControl, BgContinuesAStoppedWriter) {
    Shell shell;
    ASSERT_TRUE(shell.started());
    shell.start_and_stop(pinit_command() + " -- sh -c 'echo started; sleep 2; echo finished'");
    shell.type("bg\n");
    EXPECT_TRUE(shell.read_until("finished\r\n")) << shell.screen();  // not "finished' &"
    shell.type("wait\n");
    shell.expect_status_and_exit("0");
}

}  // namespace
