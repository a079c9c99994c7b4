#include "namespaces.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "arch.hpp"
#include "errtext.hpp"
#include "fd.hpp"
#include "join.hpp"
#include "log.hpp"
#include "nssetup.hpp"
#include "pidfile.hpp"
#include "result.hpp"
#include "sigstate.hpp"
#include "status.hpp"
#include "supervisor.hpp"
#include "sys.hpp"

namespace pinit::namespaces {

namespace {

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
[[noreturn]] void become_inner_init(const Config& config, const Plan& plan,
                                    const channel::Handover& handover) {
    // --join: no PDEATHSIG, which would leave the command's own children behind in the target;
    // the channel's hangup ends the command instead (supervisor), and the cascade the rest.
    if (!config.join) (void)sys::prctl(PR_SET_PDEATHSIG, SIGKILL);
    pollfd peer = {handover.channel, POLLIN, 0};
    if (sys::poll(&peer, 1, false) != 0) _exit(kExitOwnFailure);
    // Its own process group, so that a ^C for the launcher's group reaches it once, relayed.
    if (setpgid(0, 0) < 0) log::say(log::kWarn, "setpgid: %m");
    SetupResult result = config.join ? SetupResult{} : set_up(plan);
    if (!result.ok()) {
        (void)channel::send(handover.channel,
                            {channel::Type::setup_failed, static_cast<std::uint8_t>(result.step),
                             static_cast<std::uint8_t>(result.volume), result.err});
        _exit(kExitOwnFailure);
    }
    // Only a pid file or a status line waits for this, and the command starts once they are
    // written (it may read the pid file). The channel stays open for job control.
    if ((config.pid_file || config.status_fd >= 0) &&
        (!channel::send(handover.channel, {channel::Type::setup_done}) ||
         !channel::receive(handover.channel)))
        _exit(kExitOwnFailure);  // the launcher is gone
    // Signals stay blocked from the launcher's take-over on: one relayed during the setup waits
    // in the queue. (Unblocked here, the kernel would drop it: an init ignores what it has no
    // handler for.)
    _exit(supervisor::run(config, handover));
}

// Explains a failed clone when the cause is a setting (user_namespaces(7), Debian's sysctl). A
// fork into a joined pid namespace whose PID 1 is gone fails with ENOMEM: the target is gone.
void report_clone_failure(const Config& config, int err, int flags) {
    if (config.join) {
        log::say(log::kError, "--join %s: %s", config.join,
                 errno_text(err == ENOMEM ? ESRCH : err));
        return;
    }
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

void report_setup_failure(const Config& config, const channel::Message& failed) {
    const char* step = step_name(failed.step);
    if (failed.volume < config.mount_count) {  // "--bind /nonexistent: No such file or directory"
        const Mount& volume = config.mounts[failed.volume];
        log::say(log::kError, "%s %s: %s", option_of(volume.kind), volume.arg,
                 errno_text(failed.err));
    } else if (step == nullptr)
        log::say(log::kError, "setup step %d: %s", failed.step, errno_text(failed.err));
    else
        log::say(log::kError, "%s: %s", step, errno_text(failed.err));
}

Plan make_plan(const Config& config) {
    int flags = CLONE_NEWPID | CLONE_NEWNS | config.namespaces;
    if (config.join)
        flags = 0;  // a fork into the namespaces the launcher joined
    else if (!has_cap_sys_admin())
        flags |= CLONE_NEWUSER;
    return {flags,
            static_cast<long>(geteuid()),
            static_cast<long>(getegid()),
            config.map_user,
            config.mount_proc,
            config.root,
            config.hostname,
            config.mounts.data(),
            config.mount_count,
            config.make_dev,
            config.read_only,
            config.chdir,
            -1};
}

// clone() into the new namespaces; the child becomes their PID 1 and never returns. It must not
// hold the launcher's own fds (the pid file's directory is the host's, outside --root).
pid_t start_inner(const Config& config, const Plan& plan, const channel::Handover& handover,
                  std::initializer_list<int> launchers_fds) {
    pid_t inner = arch::clone(plan.flags | SIGCHLD);
    if (inner == 0) {
        for (int fd : launchers_fds)
            if (fd >= 0) close(fd);
        become_inner_init(config, plan, handover);
    }
    if (inner < 0) report_clone_failure(config, errno, plan.flags);
    return inner;
}

// nsenter -t PID must find a finished namespace: with a pid file, the launcher waits for the
// setup before it writes the file, and PID 1 waits for that before it starts the command.
// Returns the channel to go on listening to, or -1.
// With --json-status-fd the same moment gives its first line, of PID 1 as bwrap's does of its
// own init: the process to join, in the namespaces made.
int wait_for_setup(const Config& config, const Plan& plan, int channel, PidFile& pid_file,
                   pid_t inner, std::optional<channel::Message>* failed) {
    std::optional<channel::Message> message = channel::receive(channel);
    if (message && message->type == channel::Type::setup_done) {
        if (config.pid_file) pid_file.write(inner);
        if (config.status_fd >= 0) status::started(config.status_fd, inner, plan.flags);
        (void)channel::send(channel, {channel::Type::setup_seen});
    }
    if (message && message->type == channel::Type::setup_failed) *failed = message;
    return message && !*failed ? channel : -1;
}

}  // namespace

int launch(const Config& config, channel::Handover handover) {
    if (config.join && join::enter(config) != 0) return kExitOwnFailure;
    Plan plan = make_plan(config);
    PidFile pid_file;
    const char* refused = config.pid_file ? pid_file.open(config.pid_file) : nullptr;
    if (refused != nullptr) {
        log::say(log::kError, "--pid-file %s: %s", config.pid_file, refused);
        return kExitOwnFailure;
    }
    int channel[2];
    Fd signal_fd(sigstate::open_signalfd(signals::kBlockable));
    if (!signal_fd.ok() ||
        sys::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) < 0) {
        log::say(log::kError, "%s: %m", signal_fd.ok() ? "socketpair" : "signalfd");
        return kExitOwnFailure;
    }
    Fd launcher_end(channel[0]);
    handover.channel = channel[1];         // the inner end
    handover.signal_fd = signal_fd.get();  // reads PID 1's own signals there (signalfd(2))
    pid_t inner = start_inner(config, plan, handover,
                              {launcher_end.get(), pid_file.dir_fd(), config.status_fd});
    close(channel[1]);
    if (inner < 0) return kExitOwnFailure;
    // PID 1 has what it inherited; the launcher keeps nothing it merely inherited.
    fds::close_all_except(
        {signal_fd.get(), launcher_end.get(), pid_file.dir_fd(), config.status_fd});
    std::optional<channel::Message> failed;  // the inner side's setup error, if it sends one
    // Without a pid file the launcher relays at once and learns of a failed setup in the relay.
    int listen_to = config.pid_file || config.status_fd >= 0
                        ? wait_for_setup(config, plan, launcher_end.get(), pid_file, inner, &failed)
                        : launcher_end.get();
    int status = channel::relay(inner, signal_fd.get(), listen_to, &failed);
    pid_file.remove();
    if (!failed) return exit_code_of_status(status);
    report_setup_failure(config, *failed);
    return kExitOwnFailure;
}

}  // namespace pinit::namespaces
