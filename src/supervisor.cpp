#include "supervisor.hpp"

#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "fd.hpp"
#include "log.hpp"
#include "result.hpp"
#include "sigstate.hpp"
#include "spawn.hpp"

namespace pinit::supervisor {

namespace {

// The caller's signal state, taken over once at start (the child gets it back in spawn).
struct SignalState {
    signals::Mask caller_mask = 0;
    bool caller_ignored_chld = false;
    Fd fd;  // signalfd for every blockable signal
};

// Blocks every signal pinit may block and reads them all from one signalfd; SIGCHLD goes back to
// its default action, since an inherited SIG_IGN would make the kernel reap the child unseen.
Result take_over_signals(SignalState& state) {
    if (sigstate::set_mask(signals::kBlockable, &state.caller_mask) < 0)
        return Result::from_errno("block signals");
    if (sigstate::set_ignored(SIGCHLD, false, &state.caller_ignored_chld) < 0)
        return Result::from_errno("reset SIGCHLD");
    int fd = sigstate::open_signalfd(signals::kBlockable);
    if (fd < 0) return Result::from_errno("signalfd");
    state.fd.reset(fd);
    return Result::success();
}

// Not PID 1 (`docker run --pid host`, under a supervisor): orphans of the command's tree would
// go to some other reaper, so claim them. tini asks for -s and warns instead (tini#141).
void become_subreaper() {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        log::warn() << "cannot become a subreaper (" << log::errno_text(errno)
                    << "); orphans go to the real init";
}

int exit_code_of(int status, const Config& config) {
    int code = WIFSIGNALED(status) ? kExitSignalBase + WTERMSIG(status) : WEXITSTATUS(status);
    return config.remap_to_zero[code & 0xff] ? 0 : code;
}

class Supervisor {
public:
    Supervisor(const Config& config, SignalState& state, pid_t self, pid_t child)
        : config_(config), state_(state), self_(self), child_(child) {}

    // From here on pinit must not die: every failure is a warning and the loop goes on.
    int loop() {
        while (child_alive_) {
            signalfd_siginfo infos[8];
            ssize_t n = read(state_.fd.get(), infos, sizeof infos);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return lost_signalfd();
            for (ssize_t i = 0; i < n / static_cast<ssize_t>(sizeof infos[0]); ++i)
                handle(static_cast<int>(infos[i].ssi_signo));
        }
        reap_all();  // whatever else is already dead
        return exit_code_of(child_status_, config_);
    }

private:
    void handle(int sig) {
        if (sig == SIGCHLD)
            reap_all();
        else
            forward(sig);
    }

    void forward(int sig) {
        int to = config_.rewrite.map(sig);
        if (to == 0 || !child_alive_) return;
        pid_t target = config_.pgroup ? -child_ : child_;
        log::debug() << "forward " << signals::name(sig).view() << " as " << signals::name(to).view()
                     << " to " << target;
        if (kill(target, to) < 0 && errno != ESRCH)
            log::warn() << "forward signal " << to << " to " << target << ": " << log::errno_text(errno);
    }

    // One SIGCHLD may stand for many exits (they coalesce): reap until nothing is left.
    void reap_all() {
        for (;;) {
            int status = 0;
            pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
            if (pid <= 0) return;  // 0: all reaped for now; -1 ECHILD: no children at all
            if (pid != child_) {
                if (WIFSTOPPED(status)) continue;
                if (config_.warn_reap) log::warn() << "reaped zombie " << pid;
            } else if (WIFSTOPPED(status)) {
                follow_child_stop();
            } else {
                child_alive_ = false;
                child_status_ = status;
                log_child_exit(status);
            }
        }
    }

    // Ctrl-Z stopped the command in a terminal: stop pinit too, so the calling shell sees its job
    // stopped; on `fg` hand the terminal back and continue the command. As PID 1 pinit never stops.
    void follow_child_stop() {
        if (self_ == 1 || tcgetpgrp(STDIN_FILENO) != child_) return;
        log::debug() << "child stopped; stopping pinit for the shell";
        (void)kill(self_, SIGSTOP);
        if (tcgetpgrp(STDIN_FILENO) == getpgrp()) (void)tcsetpgrp(STDIN_FILENO, child_);
        (void)kill(-child_, SIGCONT);
    }

    void log_child_exit(int status) {
        if (WIFSIGNALED(status))
            log::info() << "child " << child_ << " killed by " << signals::name(WTERMSIG(status)).view();
        else
            log::info() << "child " << child_ << " exited " << WEXITSTATUS(status);
    }

    int lost_signalfd() {
        log::error() << "read signalfd: " << log::errno_text(errno);
        (void)kill(child_, SIGKILL);
        return kExitOwnFailure;
    }

    const Config& config_;
    SignalState& state_;
    pid_t self_;
    pid_t child_;
    bool child_alive_ = true;
    int child_status_ = 0;
};

int report_exec_failure(const char* command, int err) {
    if (err == ENOENT) {
        log::error() << command << ": command not found";
        return kExitNotFound;
    }
    log::error() << "cannot execute " << command << ": " << log::errno_text(err);
    return kExitCannotExec;
}

}  // namespace

int run(const Config& config) {
    SignalState state;
    if (Result r = take_over_signals(state); !r.ok()) {
        log::error() << r.step << ": " << log::errno_text(r.err);
        return kExitOwnFailure;
    }
    pid_t self = getpid();
    if (self != 1) become_subreaper();
    if (config.pdeathsig != 0 && prctl(PR_SET_PDEATHSIG, config.pdeathsig) < 0)
        log::warn() << "set parent-death signal: " << log::errno_text(errno);

    Spawned child = spawn(config.command, {state.caller_mask, state.caller_ignored_chld, self});
    if (child.pid < 0) {
        log::error() << "vfork: " << log::errno_text(child.err);
        return kExitOwnFailure;
    }
    if (child.exec_failed()) {
        (void)waitpid(child.pid, nullptr, 0);
        return report_exec_failure(config.command[0], child.err);
    }
    log::info() << "started child " << child.pid << ": " << config.command[0];
    // The supervisor must not pin the caller's cwd (a mount could never be unmounted); the child
    // has already exec'd with its own.
    if (chdir("/") < 0) log::warn() << "chdir /: " << log::errno_text(errno);
    return Supervisor(config, state, self, child.pid).loop();
}

}  // namespace pinit::supervisor
