#include "supervisor.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "errtext.hpp"
#include "fd.hpp"
#include "log.hpp"
#include "result.hpp"
#include "shutdown.hpp"
#include "sigstate.hpp"
#include "spawn.hpp"
#include "status.hpp"
#include "sys.hpp"

namespace pinit::supervisor {

namespace {

// Not PID 1 (`docker run --pid host`, under a supervisor): orphans of the command's tree would
// go to some other reaper, so claim them. tini asks for -s and warns instead (tini#141).
void become_subreaper() {
    if (sys::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        log::say(log::kWarn, "cannot become a subreaper (%m); orphans go to the real init");
}

int exit_code_of(int status, const Config& config) {
    int code = exit_code_of_status(status);
    return config.remap_to_zero[code & 0xff] ? 0 : code;
}

// What `docker stop`, Kubernetes and a terminal send to mean "stop". HUP (nginx, postgres: reload),
// QUIT (a JVM: thread dump) and the rest are forwarded and nothing more.
bool is_stop_request(int sig) {
    return sig == SIGTERM || sig == SIGINT;
}

// A stop from the terminal (^Z, or a background job reading or writing it); SIGSTOP is a
// debugger's, and the job has not stopped for the shell.
bool is_terminal_stop(int sig) {
    return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

class Supervisor {
public:
    Supervisor(const Config& config, int signal_fd, int channel, pid_t self, pid_t child,
               int child_pidfd)
        : config_(config),
          signal_fd_(signal_fd),
          channel_(channel),
          self_(self),
          child_(child),
          cascade_(self, child, child_pidfd, config.grace_ms) {}

    // From here on pinit must not die: every failure is a warning and the loop goes on.
    int loop() {
        while (child_alive_ || (children_left_ && !cascade_.gave_up())) {
            if (channel_ >= 0 && !wait_for_input()) continue;
            signalfd_siginfo infos[8];
            ssize_t n = read(signal_fd_, infos, sizeof infos);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return lost_signalfd();
            for (ssize_t i = 0; i < n / static_cast<ssize_t>(sizeof infos[0]); ++i)
                handle(infos[i]);
        }
        return exit_code_of(child_status_, config_);
    }

private:
    // --new-ns PID 1: waits for signals or a message from the launcher; true if signals wait.
    bool wait_for_input() {
        pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {channel_, POLLIN, 0}};
        if (sys::poll(fds, 2, true) < 0) return false;
        if (fds[1].revents != 0) {
            std::optional<channel::Message> answer = channel::receive(channel_);
            if (!answer) {  // the launcher is gone (PDEATHSIG follows) or garbled
                channel_ = -1;
                if (config_.join && child_ > 0 && child_alive_) (void)kill(child_, SIGKILL);
            } else if (answer->type == channel::Type::job_foreground ||
                       answer->type == channel::Type::job_background)
                resume_job(answer->type == channel::Type::job_foreground);
        }
        return fds[0].revents != 0;
    }

    void handle(const signalfd_siginfo& info) {
        int sig = static_cast<int>(info.ssi_signo);
        // pinit's own doing, e.g. SIGPIPE from a log line written to a closed stderr.
        if (info.ssi_code == SI_USER && static_cast<pid_t>(info.ssi_pid) == self_) return;
        if (sig == SIGCHLD) {
            reap_all();
            return;
        }
        if (config_.pause) {  // a pod's PID 1: TERM or INT end it (Kubernetes' pause), no other
            if (is_stop_request(sig))
                child_alive_ = children_left_ = false;
            else
                log::say(log::kInfo, "--pause: ignored %s", signals::name(sig).text);
            return;
        }
        // Standard signals do not queue: a user's ALRM and the timer's may arrive as one.
        if (sig == SIGALRM && cascade_.timer_due()) cascade_.on_timer();
        if (sig != SIGALRM || info.ssi_code != SI_KERNEL) forward(sig);
    }

    void forward(int sig) {
        int to = config_.rewrite.map(sig);
        if (to == 0 || !child_alive_) return;
        pid_t target = config_.pgroup ? -child_ : child_;
        log::say(log::kDebug, "forward %s as %s to %d", signals::name(sig).text,
                 signals::name(to).text, target);
        if (kill(target, to) < 0 && errno != ESRCH)
            log::say(log::kWarn, "forward signal %d to %d: %m", to, target);
        if (is_stop_request(to)) cascade_.arm_grace();
    }

    // One SIGCHLD may stand for many exits (they coalesce): reap until nothing is left.
    void reap_all() {
        bool main_exited = false;
        for (;;) {
            int status = 0;
            pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
            children_left_ = pid >= 0;  // -1 is ECHILD: pinit has no children at all
            if (pid <= 0) break;
            log::say(log::kTrace, "reaped %d, status %d", pid, status);
            if (pid != child_) {
                if (WIFSTOPPED(status)) continue;
                // tini's words, so that log filters written for tini -w carry over.
                if (config_.warn_reap)
                    log::say(log::kWarn, "Reaped zombie process with pid=%d", pid);
            } else if (WIFSTOPPED(status)) {
                follow_child_stop(WSTOPSIG(status));
            } else {
                child_alive_ = false;
                child_status_ = status;
                main_exited = true;
            }
        }
        if (main_exited) on_main_child_exit();
    }

    void on_main_child_exit() {
        if (WIFSIGNALED(child_status_))
            log::say(log::kInfo, "main child killed by %s",
                     signals::name(WTERMSIG(child_status_)).text);
        else
            log::say(log::kInfo, "main child exited %d", WEXITSTATUS(child_status_));
        if (children_left_) cascade_.start();
    }

    // The command stopped for its terminal (^Z, or in the background it read or wrote it): stop
    // pinit too, so the calling shell sees its job stopped whether or not pinit's group holds the
    // terminal; on fg or bg continue the command, with the terminal only if pinit's group has it.
    // As PID 1 pinit cannot stop, nor can --join's inside (no shell sees it): the launcher stops.
    void follow_child_stop(int sig) {
        if (!is_terminal_stop(sig) || sys::tcgetpgrp(STDIN_FILENO) < 0) return;
        if (channel_ >= 0) {  // --new-ns's PID 1, or --join's pinit (its shell is outside)
            log::say(log::kDebug, "child stopped; telling the launcher");
            (void)channel::send(channel_, {channel::Type::job_stopped});
        } else if (self_ != 1) {
            if (!channel::shell_can_continue_us()) return;
            log::say(log::kDebug, "child stopped; stopping pinit for the shell");
            (void)kill(self_, SIGSTOP);
            resume_job(sys::tcgetpgrp(STDIN_FILENO) == getpgrp());
        }
    }

    // The shell continued the job: the terminal goes back to the child if the job has it.
    void resume_job(bool foreground) {
        if (foreground) (void)sys::tcsetpgrp(STDIN_FILENO, child_);
        (void)kill(-child_, SIGCONT);
    }

    int lost_signalfd() {
        log::say(log::kError, "read signalfd: %m");
        if (child_ > 0) (void)kill(child_, SIGKILL);
        return kExitOwnFailure;
    }

    const Config& config_;
    int signal_fd_;  // every blockable signal; open until pinit exits
    int channel_;    // --new-ns: to the launcher; -1 otherwise
    pid_t self_;
    pid_t child_;
    shutdown::Cascade cascade_;
    bool child_alive_ = true;
    bool children_left_ = true;
    int child_status_ = 0;
};

int report_exec_failure(const char* command, int err) {
    if (err == kBadInterpreter) {  // bash's words; found, so not "command not found"
        log::say(log::kError, "%s: bad interpreter: %s", command, errno_text(ENOENT));
        return kExitCannotExec;
    }
    if (err == ENOENT) {
        log::say(log::kError, "%s: command not found", command);
        return kExitNotFound;
    }
    log::say(log::kError, "cannot execute %s: %s", command, errno_text(err));
    return kExitCannotExec;
}

}  // namespace

int run(const Config& config, const channel::Handover& handover) {
    Fd signal_fd(handover.signal_fd >= 0 ? handover.signal_fd
                                         : sigstate::open_signalfd(signals::kBlockable));
    if (!signal_fd.ok()) {
        log::say(log::kError, "signalfd: %m");
        return kExitOwnFailure;
    }
    pid_t self = config.new_ns ? 1 : getpid();  // PID 1 of --new-ns knows who it is
    if (self != 1) become_subreaper();
    const sigstate::Saved& caller = handover.caller;
    Spawned child = {0, 0};  // --pause: no command
    if (!config.pause) {
        child = spawn(config.command, {caller.mask, caller.ignored_chld, self,
                                       handover.terminal_is_ours, handover.listen_pid});
        if (child.pid < 0) {
            log::say(log::kError, "vfork: %s", errno_text(child.err));
            return kExitOwnFailure;
        }
        if (child.exec_failed()) {
            (void)waitpid(child.pid, nullptr, 0);
            return report_exec_failure(config.command[0], child.err);
        }
        log::say(log::kInfo, "started child %d: %s", child.pid, config.command[0]);
    }
    // In entrypoint mode pinit writes the line itself; --new-ns's launcher writes it for PID 1.
    int status_fd = handover.channel < 0 ? config.status_fd : -1;
    if (status_fd >= 0) status::started(status_fd, child.pid ? child.pid : self);  // --pause: pinit
    // Unreaped until pinit waits for it, so this is the command (for its group, after the reap).
    Fd child_pidfd(static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0)));
    // The command has its fds; pinit keeps none it merely inherited. Nor does it pin the
    // caller's cwd (a mount could never be unmounted).
    fds::close_all_except({signal_fd.get(), handover.channel, child_pidfd.get(), status_fd});
    if (chdir("/") < 0) log::say(log::kWarn, "chdir /: %m");
    Supervisor supervisor(config, signal_fd.get(), handover.channel, self, child.pid,
                          child_pidfd.get());
    return supervisor.loop();
}

}  // namespace pinit::supervisor
