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
    signals::Mask caller_mask;
    bool caller_ignored_chld;
    int channel;            // the inner end of the launcher's socketpair
    bool terminal_is_ours;  // the launcher's group holds the terminal: pass it to the command
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

Result write_file(const char* path, const char* text, const char* step) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Result::from_errno(step);
    ssize_t n = write(fd, text, __builtin_strlen(text));
    Result result = n < 0 ? Result::from_errno(step) : Result::success();
    close(fd);
    return result;
}

// Without privilege the caller becomes root inside (--map-user: itself); setgroups must be
// denied before an unprivileged gid_map is accepted (user_namespaces(7)).
Result map_ids(const Plan& plan) {
    long inside_uid = plan.config.map_user ? plan.outer_uid : 0;
    long inside_gid = plan.config.map_user ? plan.outer_gid : 0;
    Text uid_map, gid_map;
    uid_map.put(inside_uid).put(' ').put(plan.outer_uid).put(" 1\n");
    gid_map.put(inside_gid).put(' ').put(plan.outer_gid).put(" 1\n");
    if (Result r = write_file("/proc/self/setgroups", "deny", "deny setgroups"); !r.ok()) return r;
    if (Result r = write_file("/proc/self/uid_map", uid_map.c_str(), "write uid_map"); !r.ok())
        return r;
    return write_file("/proc/self/gid_map", gid_map.c_str(), "write gid_map");
}

Result check(int rc, const char* step) {
    return rc < 0 ? Result::from_errno(step) : Result::success();
}

// --root, first half: DIR bind-mounted onto itself becomes the working directory.
Result bind_root(const char* dir) {
    if (Result r = check(mount(dir, dir, nullptr, MS_BIND | MS_REC, nullptr), "bind --root");
        !r.ok())
        return r;
    return check(chdir(dir), "chdir --root");
}

// --root, second half: pivot_root(".", ".") stacks the old root on the new one; detaching it
// leaves only DIR.
Result pivot_to_cwd() {
    if (Result r = check(static_cast<int>(syscall(SYS_pivot_root, ".", ".")), "pivot_root");
        !r.ok())
        return r;
    if (Result r = check(umount2(".", MNT_DETACH), "detach old root"); !r.ok()) return r;
    return check(chdir("/"), "chdir /");
}

Result bring_up_loopback() {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Result::from_errno("socket for lo");
    ifreq request = {};
    __builtin_memcpy(request.ifr_name, "lo", 3);
    request.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
    Result result = check(ioctl(fd, SIOCSIFFLAGS, &request), "bring up lo");
    close(fd);
    return result;
}

// The setup of the new namespaces, in order; the first failure stops it.
Result set_up(const Plan& plan) {
    const Config& config = plan.config;
    if (plan.flags & CLONE_NEWUSER)
        if (Result r = map_ids(plan); !r.ok()) return r;
    // Before anything is mounted, so that no mount below can propagate to the host.
    if (Result r =
            check(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), "make / private");
        !r.ok())
        return r;
    if (config.root != nullptr)
        if (Result r = bind_root(config.root); !r.ok()) return r;
    // proc goes into the new root before the old one is detached: in a user namespace the
    // kernel mounts a new proc only while a full one is still visible (mount_too_revealing).
    if (config.mount_proc)
        if (Result r = check(mount("proc", config.root ? "proc" : "/proc", "proc",
                                   MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr),
                             "mount /proc");
            !r.ok())
            return r;
    if (config.root != nullptr)
        if (Result r = pivot_to_cwd(); !r.ok()) return r;
    if (config.hostname != nullptr)
        if (Result r = check(sethostname(config.hostname, __builtin_strlen(config.hostname)),
                             "sethostname");
            !r.ok())
            return r;
    if (plan.flags & CLONE_NEWNET)
        if (Result r = bring_up_loopback(); !r.ok()) return r;
    if ((plan.flags & CLONE_NEWIPC) && access("/dev/mqueue", F_OK) == 0)
        return check(
            mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr),
            "mount /dev/mqueue");
    return Result::success();
}

// PID 1 of the new namespaces. Dies with the launcher (PDEATHSIG, then a check that the
// launcher had not died already: its end of the channel would be closed).
[[noreturn]] void become_inner_init(const Plan& plan) {
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    pollfd peer = {plan.channel, POLLIN, 0};
    if (poll(&peer, 1, 0) != 0) _exit(kExitOwnFailure);
    // Its own process group, so that a ^C for the launcher's group reaches it once, relayed.
    (void)setpgid(0, 0);
    Result result = set_up(plan);
    if (!result.ok()) {
        // The same binary on both sides of a fork: the step string's address is valid there.
        (void)!write(plan.channel, &result, sizeof result);
        _exit(kExitOwnFailure);
    }
    close(plan.channel);
    // Give back the caller's signal state, which the supervisor then takes over as its own.
    (void)sigstate::set_mask(plan.caller_mask, nullptr);
    (void)sigstate::set_ignored(SIGCHLD, plan.caller_ignored_chld, nullptr);
    _exit(supervisor::run(plan.config, plan.terminal_is_ours));
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
            if (sig != SIGCHLD && kill(inner, sig) < 0 && errno != ESRCH)
                log::say(log::kWarn, "relay signal %d: %m", sig);
        }
        if (waitpid(inner, &status, WNOHANG) == inner)
            return WIFSIGNALED(status) ? kExitSignalBase + WTERMSIG(status) : WEXITSTATUS(status);
    }
}

}  // namespace

int launch(const Config& config) {
    int flags = CLONE_NEWPID | CLONE_NEWNS | config.namespaces;
    if (!has_cap_sys_admin()) flags |= CLONE_NEWUSER;
    Plan plan = {
        config, flags, static_cast<long>(geteuid()),        static_cast<long>(getegid()), 0,
        false,  -1,    tcgetpgrp(STDIN_FILENO) == getpgrp()};
    // Signals are blocked before the clone, so none sent to the launcher is lost.
    if (sigstate::set_mask(signals::kBlockable, &plan.caller_mask) < 0 ||
        sigstate::set_ignored(SIGCHLD, false, &plan.caller_ignored_chld) < 0) {
        log::say(log::kError, "block signals: %m");
        return kExitOwnFailure;
    }
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) < 0) {
        log::say(log::kError, "socketpair: %m");
        return kExitOwnFailure;
    }
    plan.channel = channel[1];
    pid_t inner =
        static_cast<pid_t>(syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0));
    if (inner == 0) become_inner_init(plan);
    if (inner < 0) {
        report_clone_failure(errno, flags);
        return kExitOwnFailure;
    }
    close(channel[1]);
    if (config.pid_file != nullptr) write_pid_file(config.pid_file, inner);
    int code = relay(inner, sigstate::open_signalfd(signals::kBlockable));
    if (config.pid_file != nullptr) (void)unlink(config.pid_file);
    // Read only now, not waited for before relaying: a failed setup left its error here.
    Result failed;
    if (read(channel[0], &failed, sizeof failed) == sizeof failed) {
        log::say(log::kError, "%s: %s", failed.step, log::errno_text(failed.err));
        return kExitOwnFailure;
    }
    return code;
}

}  // namespace pinit::namespaces
