#include "supervisor.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "errtext.hpp"
#include "log.hpp"
#include "result.hpp"
#include "shutdown.hpp"
#include "sigstate.hpp"
#include "spawn.hpp"

namespace pinit::supervisor {

namespace {

// Not PID 1 (`docker run --pid host`, under a supervisor): orphans of the command's tree would
// go to some other reaper, so claim them. tini asks for -s and warns instead (tini#141).
void become_subreaper() {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        log::say(log::kWarn, "cannot become a subreaper (%m); orphans go to the real init");
}

int exit_code_of(int status, const Config& config) {
    int code = exit_code_of_status(status);
    return config.remap_to_zero[code & 0xff] ? 0 : code;
}

bool is_terminating(int sig) {
    return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT || sig == SIGHUP;
}

class Supervisor {
public:
    Supervisor(const Config& config, int signal_fd, pid_t self, pid_t child)
        : config_(config),
          signal_fd_(signal_fd),
          self_(self),
          child_(child),
          cascade_(self, config.grace_ms) {}

    // From here on pinit must not die: every failure is a warning and the loop goes on.
    int loop() {
        while (child_alive_ || (children_left_ && !cascade_.gave_up())) {
            if (job_channel_ >= 0 && !wait_for_input()) continue;
            signalfd_siginfo infos[8];
            ssize_t n = read(signal_fd_, infos, sizeof infos);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return lost_signalfd();
            for (ssize_t i = 0; i < n / static_cast<ssize_t>(sizeof infos[0]); ++i)
                handle(infos[i]);
        }
        return exit_code_of(child_status_, config_);
    }

    void set_job_channel(int fd) { job_channel_ = fd; }

private:
    // --new-ns PID 1: waits for signals or a message from the launcher; true if signals wait.
    bool wait_for_input() {
        pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {job_channel_, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) return false;
        if (fds[1].revents != 0) {
            char answer = 0;
            if (read(job_channel_, &answer, 1) == 1)
                resume_job(answer == kJobForeground);
            else
                job_channel_ = -1;  // the launcher is gone; PDEATHSIG follows
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
        if (is_terminating(to)) cascade_.arm_grace();
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
                if (config_.warn_reap) log::say(log::kWarn, "reaped zombie %d", pid);
            } else if (WIFSTOPPED(status)) {
                follow_child_stop();
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

    // Ctrl-Z stopped the command in a terminal: stop pinit too, so the calling shell sees its job
    // stopped; on `fg` hand the terminal back and continue the command. As PID 1 pinit never stops.
    void follow_child_stop() {
        // The job is in the terminal's foreground: the child's group, or still pinit's own when
        // ^Z came before the child took the terminal (pinit then forwarded the TSTP).
        pid_t foreground = tcgetpgrp(STDIN_FILENO);
        bool launcher_is_foreground = job_channel_ >= 0 && foreground == 0;  // invisible group
        if (foreground != child_ && foreground != getpgrp() && !launcher_is_foreground) return;
        if (self_ != 1) {
            log::say(log::kDebug, "child stopped; stopping pinit for the shell");
            (void)kill(self_, SIGSTOP);
            resume_job(tcgetpgrp(STDIN_FILENO) == getpgrp());
        } else if (job_channel_ >= 0) {
            log::say(log::kDebug, "child stopped; telling the launcher");
            (void)!write(job_channel_, &kJobStopped, 1);
        }
    }

    // The shell continued the job: the terminal goes back to the child if the job has it.
    void resume_job(bool foreground) {
        if (foreground) (void)tcsetpgrp(STDIN_FILENO, child_);
        (void)kill(-child_, SIGCONT);
    }

    int lost_signalfd() {
        log::say(log::kError, "read signalfd: %m");
        (void)kill(child_, SIGKILL);
        return kExitOwnFailure;
    }

    const Config& config_;
    int signal_fd_;         // every blockable signal; open until pinit exits
    int job_channel_ = -1;  // --new-ns: the launcher's socket
    pid_t self_;
    pid_t child_;
    shutdown::Cascade cascade_;
    bool child_alive_ = true;
    bool children_left_ = true;
    int child_status_ = 0;
};

int report_exec_failure(const char* command, int err) {
    if (err == ENOENT) {
        log::say(log::kError, "%s: command not found", command);
        return kExitNotFound;
    }
    log::say(log::kError, "cannot execute %s: %s", command, errno_text(err));
    return kExitCannotExec;
}

}  // namespace

int run(const Config& config, const FromLauncher* from_launcher) {
    sigstate::Saved caller = from_launcher ? from_launcher->caller : sigstate::Saved{};
    if (!from_launcher && sigstate::take_over(caller) < 0) {
        log::say(log::kError, "block signals: %m");
        return kExitOwnFailure;
    }
    int signal_fd = sigstate::open_signalfd(signals::kBlockable);
    if (signal_fd < 0) {
        log::say(log::kError, "signalfd: %m");
        return kExitOwnFailure;
    }
    pid_t self = getpid();
    if (self != 1) become_subreaper();
    if (!from_launcher && config.pdeathsig != 0 && prctl(PR_SET_PDEATHSIG, config.pdeathsig) < 0)
        log::say(log::kWarn, "set parent-death signal: %m");

    bool terminal_is_ours = from_launcher && from_launcher->terminal_is_ours;
    Spawned child =
        spawn(config.command, {caller.mask, caller.ignored_chld, self, terminal_is_ours});
    if (child.pid < 0) {
        log::say(log::kError, "vfork: %s", errno_text(child.err));
        return kExitOwnFailure;
    }
    if (child.exec_failed()) {
        (void)waitpid(child.pid, nullptr, 0);
        return report_exec_failure(config.command[0], child.err);
    }
    log::say(log::kInfo, "started child %d: %s", child.pid, config.command[0]);
    // The supervisor must not pin the caller's cwd (a mount could never be unmounted); the child
    // has already exec'd with its own.
    if (chdir("/") < 0) log::say(log::kWarn, "chdir /: %m");
    Supervisor supervisor(config, signal_fd, self, child.pid);
    if (from_launcher) supervisor.set_job_channel(from_launcher->channel);
    return supervisor.loop();
}

}  // namespace pinit::supervisor
