// Job control from an interactive bash in a pty: ^Z, a background job brought back with fg, bg.
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"

using harness::pinit;

namespace {

constexpr int kEventMs = 15000;

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
    bool read_until(const std::string& needle, int timeout_ms = kEventMs) {
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
            timeout_ms);
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
            shell.type("jobs\n");  // bash tells of a stop before a prompt: ask until it has
            return shell.read_until("Stopped", 500);
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
    shell.start_and_stop(pinit_command() +
                         " -- sh -c 'sleep 2 & echo started; wait; echo finished'");
    shell.type("bg\n");
    EXPECT_TRUE(shell.read_until("finished\r\n")) << shell.screen();  // not "finished' &"
    shell.type("wait\n");
    shell.expect_status_and_exit("0");
}

// ^Z under --join: pinit inside the target cannot stop for the shell (its parent is outside the
// pid namespace); the outer one does, and fg resumes the command.
TEST(JobControlJoin, CtrlZStopsAJoinedCommandAndFgResumesIt) {
    harness::Process target({"/usr/bin/unshare", "--fork", "--pid", "--mount-proc", "sh", "-c",
                             "echo ready; exec sleep 1000"},
                            {.stdin_null = true});
    ASSERT_TRUE(target.wait_for_output("ready", kEventMs));
    std::string children = "/proc/" + std::to_string(target.pid()) + "/task/" +
                           std::to_string(target.pid()) + "/children";
    pid_t pid1 = 0;
    ASSERT_TRUE(harness::wait_until(
        [&] { return (pid1 = atoi(harness::read_file(children).c_str())) > 0; }, kEventMs));
    {
        Shell shell;
        ASSERT_TRUE(shell.started());
        shell.start_and_stop(pinit() + " --join " + std::to_string(pid1) +
                             " -- sh -c 'echo started; exec sleep 100'");
        shell.type("fg\n");
        EXPECT_TRUE(shell.read_until("sleep 100")) << shell.screen();
        EXPECT_TRUE(shell.job_has_terminal());
        shell.type("\x03");
        shell.expect_status_and_exit("130");
    }
    kill(pid1, SIGKILL);
    EXPECT_NE(target.wait(kEventMs), -1);  // unshare's own status when its child is killed
}

char state_of(pid_t pid) {
    std::string stat = harness::read_file("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
}

// A debugger's SIGSTOP is not a stop for the shell: pinit, in a terminal, keeps running.
TEST_P(JobControl, ChildStoppedBySigstopDoesNotStopPinit) {
    int master = -1;
    harness::Argv argv = pinit_argv({"--", "sleep", "100"});
    pid_t pinit_pid = forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pinit_pid, 0);
    if (pinit_pid == 0) {
        std::vector<char*> args;
        for (std::string& arg : argv) args.push_back(arg.data());
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(126);
    }
    auto first_child_of = [](pid_t pid) {
        std::string task = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid);
        return static_cast<pid_t>(atoi(harness::read_file(task + "/children").c_str()));
    };
    pid_t child = 0;  // the command: with --new-ns below the launcher's PID 1
    ASSERT_TRUE(harness::wait_until(
        [&] {
            child = first_child_of(pinit_pid);
            if (child > 0 && *GetParam() != '\0') child = first_child_of(child);
            std::string comm = harness::read_file("/proc/" + std::to_string(child) + "/comm");
            return child > 0 && comm == "sleep\n";
        },
        kEventMs));
    ASSERT_EQ(kill(child, SIGSTOP), 0);
    ASSERT_TRUE(harness::wait_until([&] { return state_of(child) == 'T'; }, kEventMs));
    // The observation window itself, not a wait for an event: pinit must not stop in it.
    bool stopped = harness::wait_until([&] { return state_of(pinit_pid) == 'T'; }, 1000);
    EXPECT_FALSE(stopped);
    kill(child, SIGCONT);
    kill(pinit_pid, SIGCONT);
    kill(pinit_pid, SIGTERM);
    int status = 0;
    EXPECT_TRUE(harness::wait_until(
        [&] { return waitpid(pinit_pid, &status, WNOHANG) == pinit_pid; }, kEventMs));
    close(master);
    EXPECT_EQ(harness::code_of(status), 128 + SIGTERM);
}

}  // namespace
