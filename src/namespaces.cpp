#include "namespaces.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "log.hpp"
#include "result.hpp"
#include "sigstate.hpp"
#include "supervisor.hpp"
#include "text.hpp"

namespace pinit::namespaces {

namespace {

// What the inner side needs from the launcher; a copy of the launcher's memory, as clone()
// without CLONE_VM is a fork.
struct Plan {
    const Config& config;
    int flags;  // CLONE_NEW*
    long outer_uid, outer_gid;
    supervisor::FromLauncher handover;
    int channel;       // the inner end of the launcher's socketpair
    int launcher_end;  // the launcher's end: the inner closes its copy first
};

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

// The setup steps, run in the inner PID 1 in the order of kSteps. Each returns what the system
// calls it makes return: -1 with errno on failure; 0 also when it has nothing to do.

int write_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = write(fd, text, __builtin_strlen(text)) < 0 ? -1 : 0;
    int saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return rc;
}

// Without privilege the caller becomes root inside (--map-user: itself); setgroups must be
// denied before an unprivileged gid_map is accepted (user_namespaces(7)).
int write_id_map(const char* path, long outer, bool map_user) {
    Text map;
    map.put(map_user ? outer : 0L).put(' ').put(outer).put(" 1\n");
    return write_file(path, map.c_str());
}

int deny_setgroups(const Plan& plan) {
    return plan.flags & CLONE_NEWUSER ? write_file("/proc/self/setgroups", "deny") : 0;
}

int map_uid(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWUSER)) return 0;
    return write_id_map("/proc/self/uid_map", plan.outer_uid, plan.config.map_user);
}

int map_gid(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWUSER)) return 0;
    return write_id_map("/proc/self/gid_map", plan.outer_gid, plan.config.map_user);
}

// Before anything is mounted, so that no mount below can propagate to the host.
int make_root_private(const Plan&) {
    return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
}

// --root, first half: DIR bind-mounted onto itself becomes the working directory.
int bind_root(const Plan& plan) {
    const char* dir = plan.config.root;
    if (dir == nullptr) return 0;
    return mount(dir, dir, nullptr, MS_BIND | MS_REC, nullptr) < 0 ? -1 : chdir(dir);
}

// Into the new root before the old one is detached: in a user namespace the kernel mounts a new
// proc only while a full one is still visible (mount_too_revealing).
int mount_proc(const Plan& plan) {
    if (!plan.config.mount_proc) return 0;
    return mount("proc", plan.config.root ? "proc" : "/proc", "proc",
                 MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
}

// --root, second half: pivot_root(".", ".") stacks the old root on the new one; detaching it
// leaves only DIR.
int pivot_into_root(const Plan& plan) {
    if (plan.config.root == nullptr) return 0;
    if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0) return -1;
    return chdir("/");
}

int set_hostname(const Plan& plan) {
    const char* name = plan.config.hostname;
    return name ? sethostname(name, __builtin_strlen(name)) : 0;
}

// A new network namespace has only lo, and it is down.
int bring_up_loopback(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWNET)) return 0;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    ifreq request = {};
    __builtin_memcpy(request.ifr_name, "lo", 3);
    request.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
    int rc = ioctl(fd, SIOCSIFFLAGS, &request);
    int saved_errno = errno;
    close(fd);
    errno = saved_errno;
    return rc;
}

// POSIX message queues of the new ipc namespace, where the system shows them.
int mount_mqueue(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWIPC) || access("/dev/mqueue", F_OK) != 0) return 0;
    return mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
}

struct Step {
    const char* name;  // what failed, in the launcher's message
    int (*run)(const Plan&);
};

constexpr Step kSteps[] = {
    {"deny setgroups", deny_setgroups}, {"write uid_map", map_uid},
    {"write gid_map", map_gid},         {"make / private", make_root_private},
    {"bind --root", bind_root},         {"mount /proc", mount_proc},
    {"pivot_root", pivot_into_root},    {"sethostname", set_hostname},
    {"bring up lo", bring_up_loopback}, {"mount /dev/mqueue", mount_mqueue},
};

// The first failing step stops the setup.
Result set_up(const Plan& plan) {
    for (const Step& step : kSteps)
        if (step.run(plan) < 0) return Result::from_errno(step.name);
    return Result::success();
}

// PID 1 of the new namespaces. Dies with the launcher: PDEATHSIG, then a check that the
// launcher had not died already (its end of the channel, once the inner's copy of it is closed,
// then shows a hangup). clone() was a fork with no libc bookkeeping: libc's cached thread id is
// the launcher's, so nothing here may raise() or abort().
[[noreturn]] void become_inner_init(const Plan& plan) {
    close(plan.launcher_end);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    pollfd peer = {plan.channel, POLLIN, 0};
    if (poll(&peer, 1, 0) != 0) _exit(kExitOwnFailure);
    // Its own process group, so that a ^C for the launcher's group reaches it once, relayed.
    if (setpgid(0, 0) < 0) log::say(log::kWarn, "setpgid: %m");
    Result result = set_up(plan);
    if (!result.ok()) {
        // The same binary on both sides of a fork: the step string's address is valid there.
        (void)!write(plan.channel, &result, sizeof result);
        _exit(kExitOwnFailure);
    }
    close(plan.channel);
    // Signals stay blocked from the launcher's take-over on: one relayed during the setup waits
    // in the queue. (Unblocked here, the kernel would drop it: an init ignores what it has no
    // handler for.)
    _exit(supervisor::run(plan.config, &plan.handover));
}

// Explains a failed clone when the cause is a setting (user_namespaces(7), Debian's sysctl).
void report_clone_failure(int err, int flags) {
    if ((flags & CLONE_NEWUSER) && (err == EPERM || err == ENOSPC || err == EUSERS)) {
        char value[8] = {};
        int fd = open(err == EPERM ? "/proc/sys/kernel/unprivileged_userns_clone"
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
    log::say(log::kError, "create namespaces: %s", log::errno_text(err));
}

void write_pid_file(const char* path, pid_t pid) {
    Text text;
    text.put(static_cast<long>(pid)).end_line();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !log::write_all(fd, {text.c_str(), static_cast<size_t>(text.size())}))
        log::say(log::kWarn, "write pid file %s: %m", path);
    if (fd >= 0) close(fd);
}

// The launcher after setup: every signal goes inward; the inner status comes outward.
int relay(pid_t inner, int signal_fd) {
    const unsigned launcher = static_cast<unsigned>(getpid());
    for (;;) {
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
        if (waitpid(inner, &status, WNOHANG) == inner) return exit_code_of_status(status);
    }
}

// The inner side's setup error, if it sent one: false once the channel reaches end of file.
bool read_setup_error(int channel) {
    Result failed;
    if (read(channel, &failed, sizeof failed) != sizeof failed) return false;
    log::say(log::kError, "%s: %s", failed.step, log::errno_text(failed.err));
    return true;
}

}  // namespace

int launch(const Config& config) {
    int flags = CLONE_NEWPID | CLONE_NEWNS | config.namespaces;
    if (!has_cap_sys_admin()) flags |= CLONE_NEWUSER;
    Plan plan = {config,
                 flags,
                 static_cast<long>(geteuid()),
                 static_cast<long>(getegid()),
                 {{}, tcgetpgrp(STDIN_FILENO) == getpgrp()},
                 -1,
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
    if (signal_fd < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) < 0) {
        log::say(log::kError, "%s: %m", signal_fd < 0 ? "signalfd" : "socketpair");
        return kExitOwnFailure;
    }
    plan.launcher_end = channel[0];
    plan.channel = channel[1];
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
    // nsenter -t PID must find a finished namespace: with a pid file, wait for the setup.
    // Without one the launcher relays at once, and reads a setup error when the inner exits.
    if (config.pid_file != nullptr) {
        if (read_setup_error(channel[0])) {
            (void)waitpid(inner, nullptr, 0);
            return kExitOwnFailure;
        }
        write_pid_file(config.pid_file, inner);
    }
    int code = relay(inner, signal_fd);
    if (config.pid_file != nullptr) (void)unlink(config.pid_file);
    return read_setup_error(channel[0]) ? kExitOwnFailure : code;
}

}  // namespace pinit::namespaces
