#include "namespaces.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "errtext.hpp"
#include "log.hpp"
#include "nssetup.hpp"
#include "result.hpp"
#include "sigstate.hpp"
#include "supervisor.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit::namespaces {

namespace {

// The inner side's "setup done" message; a failed setup sends its Result instead.
constexpr char kSetupDone = 'R';

// capget(2) by hand: musl ships no <sys/capability.h>, and one bit is all pinit needs.
bool has_cap_sys_admin() {
    constexpr unsigned kVersion3 = 0x20080522;  // _LINUX_CAPABILITY_VERSION_3
    constexpr unsigned kSysAdmin = 21;          // CAP_SYS_ADMIN
    struct {
        unsigned version;
        int pid;
    } header = {kVersion3, 0};
    struct {
        unsigned effective, permitted, inheritable;
    } data[2] = {};
    return syscall(SYS_capget, &header, data) == 0 && (data[0].effective & (1U << kSysAdmin));
}

// PID 1 of the new namespaces. Dies with the launcher: PDEATHSIG, then a check that the
// launcher had not died already (its end of the channel, once the inner's copy of it is closed,
// then shows a hangup). clone() was a fork with no libc bookkeeping: libc's cached thread id is
// the launcher's, so nothing here may raise() or abort().
[[noreturn]] void become_inner_init(const Plan& plan) {
    close(plan.launcher_end);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    pollfd peer = {plan.handover.channel, POLLIN, 0};
    if (poll(&peer, 1, 0) != 0) _exit(kExitOwnFailure);
    // Its own process group, so that a ^C for the launcher's group reaches it once, relayed.
    if (setpgid(0, 0) < 0) log::say(log::kWarn, "setpgid: %m");
    Result result = set_up(plan);
    if (!result.ok()) {
        // The same binary on both sides of a fork: the step string's address is valid there.
        (void)!write(plan.handover.channel, &result, sizeof result);
        _exit(kExitOwnFailure);
    }
    (void)!write(plan.handover.channel, &kSetupDone, 1);  // the channel stays open for job control
    // Signals stay blocked from the launcher's take-over on: one relayed during the setup waits
    // in the queue. (Unblocked here, the kernel would drop it: an init ignores what it has no
    // handler for.)
    _exit(supervisor::run(plan.config, &plan.handover));
}

// Explains a failed clone when the cause is a setting (user_namespaces(7), Debian's sysctl).
void report_clone_failure(int err, int flags) {
    if ((flags & CLONE_NEWUSER) && (err == EPERM || err == ENOSPC || err == EUSERS)) {
        char value[8] = {};
        int fd = sys::open(err == EPERM ? "/proc/sys/kernel/unprivileged_userns_clone"
                                        : "/proc/sys/user/max_user_namespaces",
                           O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && read(fd, value, sizeof value - 1) > 0 && value[0] == '0') {
            log::say(
                log::kError, "user namespaces are disabled: sysctl %s is 0",
                err == EPERM ? "kernel.unprivileged_userns_clone" : "user.max_user_namespaces");
            close(fd);
            return;
        }
        if (fd >= 0) close(fd);
    }
    log::say(log::kError, "create namespaces: %s", errno_text(err));
}

void write_pid_file(const char* path, pid_t pid) {
    Text text;
    text.put(static_cast<long>(pid)).end_line();
    int fd = sys::open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !log::write_all(fd, {text.c_str(), static_cast<size_t>(text.size())}))
        log::say(log::kWarn, "write pid file %s: %m", path);
    if (fd >= 0) close(fd);
}

// One message from the inner side (SOCK_SEQPACKET: one read, one message). Returns false once
// the channel is closed or the setup failed (then *failed is set, for after the inner's exit).
bool hear_inner(int channel, Result* failed) {
    char message[sizeof(Result)];
    ssize_t n = read(channel, message, sizeof message);
    if (n == sizeof(Result)) {
        __builtin_memcpy(failed, message, sizeof *failed);
        return false;
    }
    if (n == 1 && message[0] == supervisor::kJobStopped) {
        (void)kill(getpid(), SIGSTOP);  // the shell sees its job stopped; fg or bg continues it
        char answer = tcgetpgrp(STDIN_FILENO) == getpgrp() ? supervisor::kJobForeground
                                                           : supervisor::kJobBackground;
        (void)!write(channel, &answer, 1);
    }
    return n > 0;
}

// The launcher after the clone: every signal goes inward; the inner status comes outward.
int relay(pid_t inner, int signal_fd, int channel, Result* failed) {
    const unsigned launcher = static_cast<unsigned>(getpid());
    for (;;) {
        pollfd fds[2] = {{signal_fd, POLLIN, 0}, {channel, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) continue;  // EINTR: all signals are blocked, but be safe
        if (fds[1].revents != 0 && !hear_inner(channel, failed)) channel = -1;  // poll skips -1
        if (fds[0].revents == 0) continue;
        signalfd_siginfo infos[8];
        ssize_t n = read(signal_fd, infos, sizeof infos);
        if (n < 0 && errno == EINTR) continue;
        int status = 0;
        if (n <= 0) {  // cannot relay any more: take the namespace down rather than orphan it
            log::say(log::kError, "read signalfd: %m");
            (void)kill(inner, SIGKILL);
            (void)waitpid(inner, &status, 0);
            return kExitOwnFailure;
        }
        for (ssize_t i = 0; i < n / static_cast<ssize_t>(sizeof infos[0]); ++i) {
            int sig = static_cast<int>(infos[i].ssi_signo);
            bool own = infos[i].ssi_code == SI_USER && infos[i].ssi_pid == launcher;  // SIGPIPE
            if (sig != SIGCHLD && !own && kill(inner, sig) < 0 && errno != ESRCH)
                log::say(log::kWarn, "relay signal %d: %m", sig);
        }
        if (waitpid(inner, &status, WNOHANG) == inner) {
            if (channel >= 0) (void)hear_inner(channel, failed);  // a last message, if any
            return exit_code_of_status(status);
        }
    }
}

}  // namespace

int launch(const Config& config) {
    int flags = CLONE_NEWPID | CLONE_NEWNS | config.namespaces;
    if (!has_cap_sys_admin()) flags |= CLONE_NEWUSER;
    Plan plan = {config,
                 flags,
                 static_cast<long>(geteuid()),
                 static_cast<long>(getegid()),
                 {{}, tcgetpgrp(STDIN_FILENO) == getpgrp(), -1},
                 -1};
    // Before the clone, so that no signal sent to the launcher is lost.
    if (sigstate::take_over(plan.handover.caller) < 0) {
        log::say(log::kError, "block signals: %m");
        return kExitOwnFailure;
    }
    if (config.pdeathsig != 0 && prctl(PR_SET_PDEATHSIG, config.pdeathsig) < 0)
        log::say(log::kWarn, "set parent-death signal: %m");  // -p is the launcher's (tini's)
    int channel[2];
    int signal_fd = sigstate::open_signalfd(signals::kBlockable);
    if (signal_fd < 0 || sys::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) < 0) {
        log::say(log::kError, "%s: %m", signal_fd < 0 ? "signalfd" : "socketpair");
        return kExitOwnFailure;
    }
    plan.launcher_end = channel[0];
    plan.handover.channel = channel[1];  // the inner end
    pid_t inner =
        static_cast<pid_t>(syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0));
    if (inner == 0) {
        close(signal_fd);
        become_inner_init(plan);
    }
    if (inner < 0) {
        report_clone_failure(errno, flags);
        return kExitOwnFailure;
    }
    close(channel[1]);
    Result failed;  // the inner side's setup error, if it sends one
    // nsenter -t PID must find a finished namespace: with a pid file, wait for the setup.
    // Without one the launcher relays at once and learns of a failed setup in the relay.
    if (config.pid_file != nullptr) {
        char message[sizeof(Result)];
        ssize_t n = read(channel[0], message, sizeof message);
        if (n == 1 && message[0] == kSetupDone) write_pid_file(config.pid_file, inner);
        if (n == sizeof(Result)) __builtin_memcpy(&failed, message, sizeof failed);
    }
    int code = relay(inner, signal_fd, failed.ok() ? channel[0] : -1, &failed);
    if (config.pid_file != nullptr) (void)unlink(config.pid_file);
    if (failed.ok()) return code;
    log::say(log::kError, "%s: %s", failed.step, errno_text(failed.err));
    return kExitOwnFailure;
}

}  // namespace pinit::namespaces
