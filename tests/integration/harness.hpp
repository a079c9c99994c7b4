// Runs real processes for the integration tests: pipes, bounded waits, and cleanup of anything a
// test leaves behind (the test binary is a subreaper, so leftovers come back to it).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace harness {

std::string pinit();  // the binary under test ($PINIT_TEST_BIN overrides)
bool emulated();      // that binary is another arch's (its ELF machine), so qemu-user runs it
std::string helper(const char* name);  // a program from tests/helpers

using Argv = std::vector<std::string>;

struct Options {
    std::string input;                            // written to stdin, which is then closed
    bool keep_stdin_open = false;                 // for Process: leave stdin open after input
    std::optional<std::vector<std::string>> env;  // nullopt: inherit the test's environment
    std::function<void()> in_child;               // runs in the forked child just before exec
    bool stdin_null = false;                      // stdin from /dev/null instead of a pipe
    int fd3 = -1;                                 // passed to the process as its fd 3
};

// A wait status as one number that no two outcomes share: the exit code N if the process
// exited, killed_by(S) if signal S killed it, -1 for neither (a timeout).
int code_of(int status);
constexpr int killed_by(int sig) {
    return 1000 + sig;
}

// A started process with its stdout and stderr collected as they come.
class Process {
public:
    explicit Process(const Argv& argv, const Options& options = {});
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& out() const { return out_; }
    const std::string& err() const { return err_; }

    // Collects output until stdout (or stderr) holds needle (true) or timeout_ms passes (false).
    bool wait_for_output(std::string_view needle, int timeout_ms, bool on_stderr = false);
    // Collects output until the process exits; its status as code_of(), or -1 after a timeout
    // (the process is then killed).
    int wait(int timeout_ms);
    bool exited() const { return status_.has_value(); }
    void write_input(std::string_view data);
    void close_input();

private:
    void pump(int timeout_ms);  // one poll round
    bool try_reap();

    pid_t pid_ = -1;
    int in_ = -1, out_fd_ = -1, err_fd_ = -1;
    std::string pending_input_;
    std::string out_, err_;
    std::optional<int> status_;
};

struct Result {
    int code = -1;  // code_of(status), or -1 on timeout
    std::string out, err;
};

// Runs argv to completion (killing it after timeout_ms).
Result run(const Argv& argv, const Options& options = {}, int timeout_ms = 30000);

// Polls cond every few ms until it holds (true) or timeout_ms passes (false).
bool wait_until(const std::function<bool()>& cond, int timeout_ms);

// Kills and reaps every descendant of the test process; called after each test.
void kill_leftovers();

std::string read_file(const std::string& path);

// Whether process pid blocks any signal now (SigBlk in its status): pinit does, from the start.
bool signals_blocked(pid_t pid);

// The processes of the pid namespace of process pid, seen from the host: pid -> state letter
// (Z: zombie). Empty if pid is gone.
std::map<pid_t, char> processes_in_pid_ns_of(pid_t pid);

// A shell script (busybox sh, ps) for inside a container: 300 orphans (children of short-lived
// subshells), then up to 10 s for every zombie in sight to be reaped; prints "zombies=N".
inline constexpr const char* kOrphanStormScript =
    "i=0; while [ $i -lt 300 ]; do (sleep 0 &); i=$((i+1)); done; n=0; "
    "while [ $n -lt 200 ]; do z=$(ps -o stat | grep -c Z); [ $z = 0 ] && break; "
    "n=$((n+1)); sleep 0.05; done; echo zombies=$z";

// "PID COMMAND" lines after a header, as busybox `ps -o pid,comm` prints them: pid -> comm.
std::map<int, std::string> busybox_ps(const std::string& output);

// A throw-away directory under /tmp, removed with what it holds.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }
    int entries() const;

private:
    std::string path_;
};

// A throw-away pids cgroup (v1 pids controller, or cgroup2): the processes a test puts in it,
// and all they fork, are counted there, and whatever is left is killed when it goes away.
class PidsCgroup {
public:
    PidsCgroup();
    ~PidsCgroup();
    PidsCgroup(const PidsCgroup&) = delete;
    PidsCgroup& operator=(const PidsCgroup&) = delete;

    bool valid() const { return !path_.empty(); }
    std::function<void()> join() const;  // for Options::in_child: moves the child in
    int count() const;                   // live processes in it now
    void set_max(int pids) const;        // a fork bomb guard (v1 pids.max)

private:
    std::string path_;
};

// The mode matrix of STYLE.md: a test derived from this runs in entrypoint mode (param "") and
// through --new-ns's launcher (param "--new-ns"); instantiate it with PINIT_BOTH_MODES(Suite).
class BothModes : public ::testing::TestWithParam<const char*> {
protected:
    Argv pinit_argv(const Argv& tail) const;  // pinit [--new-ns] TAIL...
    std::string pinit_command() const;        // the same, as the start of a shell command
};
std::string mode_name(const ::testing::TestParamInfo<const char*>& info);

}  // namespace harness

#define PINIT_BOTH_MODES(suite) \
    INSTANTIATE_TEST_SUITE_P(Modes, suite, ::testing::Values("", "--new-ns"), harness::mode_name)
