#include "harness.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace harness {

std::string pinit() {
    // To see a regression test fail on an older build: PINIT_TEST_BIN=/old/pinit.
    const char* other = getenv("PINIT_TEST_BIN");
    return other ? other : PINIT_BIN;
}
namespace {
int elf_machine(const std::string& path) {
    unsigned char head[20] = {};
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && read(fd, head, sizeof head) != sizeof head) head[18] = head[19] = 0;
    if (fd >= 0) close(fd);
    return head[18] | head[19] << 8;  // e_machine, little-endian
}
}  // namespace

bool emulated() {
    static const bool other = elf_machine(pinit()) != elf_machine("/proc/self/exe");
    return other;
}
std::string helper(const char* name) {
    return std::string(HELPER_DIR) + "/" + name;
}

int code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return killed_by(WTERMSIG(status));
    return -1;
}

namespace {

using Clock = std::chrono::steady_clock;

// Under qemu-user prctl(PR_SET_CHILD_SUBREAPER) fails with EINVAL and pinit says so on stderr;
// tests that compare stderr exactly would all fail on that line alone.
void drop_emulation_notice(std::string& err) {
    if (!emulated()) return;
    static constexpr std::string_view kNotice =
        "pinit: cannot become a subreaper (Invalid argument); orphans go to the real init\n";
    for (size_t at; (at = err.find(kNotice)) != std::string::npos;) err.erase(at, kNotice.size());
}

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

[[noreturn]] void exec_child(const Argv& argv, const Options& options, int in, int out, int err) {
    if (in >= 0) dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    if (options.fd3 == 3) fcntl(3, F_SETFD, 0);  // dup2 onto itself would keep FD_CLOEXEC
    if (options.fd3 > 3) dup2(options.fd3, 3);
    // Only what the test means to pass: no fds or signal dispositions of the test runner.
    close_range(options.fd3 >= 0 ? 4 : 3, ~0U, 0);
    signal(SIGPIPE, SIG_DFL);
    if (options.in_child) options.in_child();
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    if (options.env) {
        std::vector<char*> env;
        for (const std::string& entry : *options.env)
            env.push_back(const_cast<char*>(entry.c_str()));
        env.push_back(nullptr);
        execve(args[0], args.data(), env.data());
    } else {
        execv(args[0], args.data());
    }
    _exit(126);
}

}  // namespace

Process::Process(const Argv& argv, const Options& options) : pending_input_(options.input) {
    int in[2] = {-1, -1}, out[2], err[2];
    if (options.stdin_null) {
        in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    } else if (pipe2(in, O_CLOEXEC) < 0) {
        throw std::runtime_error("pipe");
    }
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) exec_child(argv, options, in[0], out[1], err[1]);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_ = in[1];
    out_fd_ = out[0];
    err_fd_ = err[0];
    for (int fd : {in_, out_fd_, err_fd_})
        if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (pending_input_.empty() && !options.keep_stdin_open) close_input();
}

Process::~Process() {
    if (!status_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        int status;
        waitpid(pid_, &status, 0);
    }
    close_input();
    for (int fd : {out_fd_, err_fd_})
        if (fd >= 0) close(fd);
}

void Process::write_input(std::string_view data) {
    pending_input_.append(data);
    pump(0);
}

void Process::close_input() {
    if (in_ >= 0) close(in_);
    in_ = -1;
}

bool Process::try_reap() {
    if (status_) return true;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
    return status_.has_value();
}

void Process::pump(int timeout_ms) {
    pollfd fds[3];
    int n = 0;
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    if (in_ >= 0 && !pending_input_.empty()) fds[n++] = {in_, POLLOUT, 0};
    if (n == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms > 5 ? 5 : timeout_ms));
        return;
    }
    if (poll(fds, n, timeout_ms > 20 ? 20 : timeout_ms) <= 0) return;  // short: also watch exit
    for (int i = 0; i < n; ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == in_) {
            ssize_t w = write(in_, pending_input_.data(), pending_input_.size());
            if (w > 0) pending_input_.erase(0, static_cast<size_t>(w));
            if (w < 0 && errno != EAGAIN) pending_input_.clear();
            continue;
        }
        char buf[65536];
        ssize_t r = read(fds[i].fd, buf, sizeof buf);
        std::string& sink = fds[i].fd == out_fd_ ? out_ : err_;
        if (r > 0) {
            sink.append(buf, static_cast<size_t>(r));
            if (&sink == &err_) drop_emulation_notice(err_);
        } else if (r == 0 || errno != EAGAIN) {
            close(fds[i].fd);
            (fds[i].fd == out_fd_ ? out_fd_ : err_fd_) = -1;
        }
    }
}

bool Process::wait_for_output(std::string_view needle, int timeout_ms, bool on_stderr) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while ((on_stderr ? err_ : out_).find(needle) == std::string::npos) {
        if (Clock::now() >= deadline || (out_fd_ < 0 && try_reap())) return false;
        pump(remaining_ms(deadline));
    }
    return true;
}

int Process::wait(int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    std::optional<Clock::time_point> drain_until;
    while (Clock::now() < deadline) {
        if (in_ >= 0 && pending_input_.empty()) close_input();
        bool pipes_open = out_fd_ >= 0 || err_fd_ >= 0;
        if (try_reap()) {
            if (!pipes_open) break;
            // A descendant may still hold the pipes after the process exited: drain a moment.
            if (!drain_until) drain_until = Clock::now() + std::chrono::seconds(2);
            if (Clock::now() >= *drain_until) break;
        }
        pump(remaining_ms(deadline));
    }
    if (status_) return code_of(*status_);
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    status_ = status;
    return -1;
}

Result run(const Argv& argv, const Options& options, int timeout_ms) {
    Process process(argv, options);
    Result result;
    result.code = process.wait(timeout_ms);
    result.out = process.out();
    result.err = process.err();
    return result;
}

bool wait_until(const std::function<bool()>& cond, int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!cond()) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

namespace {

std::vector<pid_t> children_of_self() {
    std::vector<pid_t> pids;
    std::string task_dir = "/proc/self/task/";
    for (pid_t tid : {getpid()}) {
        std::istringstream list(read_file(task_dir + std::to_string(tid) + "/children"));
        for (pid_t pid; list >> pid;) pids.push_back(pid);
    }
    return pids;
}

}  // namespace

void kill_leftovers() {
    for (int round = 0; round < 100; ++round) {
        std::vector<pid_t> pids = children_of_self();
        int status;
        while (waitpid(-1, &status, WNOHANG) > 0) {
        }
        if (pids.empty()) return;
        for (pid_t pid : pids) kill(pid, SIGKILL);
        for (pid_t pid : pids) waitpid(pid, &status, 0);
    }
}

std::map<pid_t, char> processes_in_pid_ns_of(pid_t pid) {
    std::map<pid_t, char> out;
    std::error_code error;
    std::string ns =
        std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/pid", error);
    if (error) return out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        if (std::filesystem::read_symlink(entry.path() / "ns/pid", error).string() != ns) continue;
        std::string stat = read_file(entry.path() / "stat");
        size_t paren = stat.rfind(')');
        if (paren != std::string::npos && paren + 2 < stat.size())
            out[std::stoi(name)] = stat[paren + 2];
    }
    return out;
}

std::map<int, std::string> busybox_ps(const std::string& output) {
    std::map<int, std::string> out;
    std::istringstream lines(output);
    std::string header;
    std::getline(lines, header);
    int pid;
    std::string comm;
    while (lines >> pid >> comm) out[pid] = comm;
    return out;
}

bool signals_blocked(pid_t pid) {
    std::istringstream status(read_file("/proc/" + std::to_string(pid) + "/status"));
    for (std::string line; std::getline(status, line);)
        if (line.rfind("SigBlk:", 0) == 0) return line.find_first_not_of("0\t", 7) != line.npos;
    return false;
}

namespace {

class LeftoverKiller : public ::testing::EmptyTestEventListener {
    void OnTestEnd(const ::testing::TestInfo&) override { kill_leftovers(); }
};

}  // namespace

}  // namespace harness

int main(int argc, char** argv) {
    // Orphans of the processes a test starts come back here, so nothing outlives the test.
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the writer
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::UnitTest::GetInstance()->listeners().Append(new harness::LeftoverKiller);
    return RUN_ALL_TESTS();
}
