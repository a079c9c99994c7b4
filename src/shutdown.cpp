#include "shutdown.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "log.hpp"
#include "tree.hpp"

namespace pinit::shutdown {

namespace {

// SIGKILL rounds: a new walk of the tree every kKillRoundMs while anything is left, for at most
// kMaxKillRounds rounds (10 s); then pinit exits anyway rather than hang.
constexpr long kKillRoundMs = 50;
constexpr int kMaxKillRounds = 200;

// "2.5" from milliseconds 2500, into buf.
const char* seconds_text(char (&buf)[16], std::uint32_t ms) {
    char* p = buf + sizeof buf;
    *--p = '\0';
    for (int digit = 0; digit < 3; ++digit, ms /= 10) {
        if (ms % 10 != 0 || p != buf + sizeof buf - 1) *--p = static_cast<char>('0' + ms % 10);
    }
    if (*p != '\0') *--p = '.';
    do *--p = static_cast<char>('0' + ms % 10);
    while ((ms /= 10) != 0);
    return p;
}

}  // namespace

void Cascade::arm_timer(long ms) {
    itimerval once = {};
    once.it_value.tv_sec = ms / 1000;
    once.it_value.tv_usec = ms % 1000 * 1000;
    if (setitimer(ITIMER_REAL, &once, nullptr) < 0)
        log::say(log::kWarn, "setitimer: %m");  // no deadline then: pinit waits for the exits
    else
        timer_armed_ = true;
}

bool Cascade::timer_due() const {
    itimerval left = {};
    return timer_armed_ && getitimer(ITIMER_REAL, &left) == 0 && left.it_value.tv_sec == 0 &&
           left.it_value.tv_usec == 0;
}

// /proc/self names pinit's own pid only if /proc belongs to pinit's pid namespace. Under
// `unshare --pid` without a new /proc, or --no-mount-proc, it does not, and its pids would be
// other processes: the tree is not walked then. Without /proc at all, it cannot be.
static bool proc_shows_pid(pid_t pid, bool* missing) {
    char link[24] = {};
    *missing = false;
    if (syscall(SYS_readlinkat, AT_FDCWD, "/proc/self", link, sizeof link - 1) <= 0) {
        *missing = errno == ENOENT;
        return false;
    }
    long value = 0;
    for (const char* c = link; *c >= '0' && *c <= '9'; ++c) value = value * 10 + (*c - '0');
    return value == pid;
}

// Signals the main child's process group through its pidfd, which names the group even after
// the child is reaped and its number reused (Linux 6.9); ESRCH once the group is empty. Before
// 6.9 (EINVAL) by number, as kill(-pgid) always did.
bool Cascade::signal_child_group(int sig) {
    constexpr unsigned kProcessGroup = 1U << 2;  // PIDFD_SIGNAL_PROCESS_GROUP
    if (child_pidfd_ >= 0 &&
        syscall(SYS_pidfd_send_signal, child_pidfd_, sig, nullptr, kProcessGroup) == 0)
        return true;
    if (child_pidfd_ >= 0 && errno != EINVAL) return false;
    return kill(-child_, sig) == 0;
}

// The tree cannot be walked: what pinit can still reach is the main child's process group.
// Once it is empty, nothing else pinit could do would end the rest: do not wait for them.
int Cascade::signal_group(int sig, bool also_continue) {
    if (!signal_child_group(sig)) {
        gave_up_ = true;
        return 0;
    }
    if (also_continue) (void)signal_child_group(SIGCONT);
    return 1;
}

// As PID 1 everything in the namespace (the kernel's kill(-1) skips only pinit), as a subreaper
// only pinit's own subtree. Returns the number of descendants found, or -1 as PID 1.
int Cascade::signal_all(int sig, bool also_continue) {
    if (self_ == 1) {
        (void)kill(-1, sig);
        if (also_continue) (void)kill(-1, SIGCONT);
        return -1;
    }
    if (proc_ == Proc::unchecked) {
        bool missing = false;
        proc_ = proc_shows_pid(self_, &missing) ? Proc::ours
                : missing                       ? Proc::missing
                                                : Proc::foreign;
        if (proc_ != Proc::ours)
            log::say(log::kWarn, "%s: cannot walk the tree; ending the child's process group only",
                     proc_ == Proc::missing ? "no /proc" : "/proc is another pid namespace's");
    }
    if (proc_ != Proc::ours) return signal_group(sig, also_continue);
    return tree::signal_descendants(self_, sig, also_continue);
}

void Cascade::arm_grace() {
    if (grace_ms_ != 0 && !timer_armed_) arm_timer(grace_ms_);
}

void Cascade::start() {
    if (kill_rounds_ > 0) return;  // the main child died in a KILL round: the rounds go on
    int left = signal_all(SIGTERM, true);
    char buf[16];
    const char* grace = seconds_text(buf, grace_ms_);
    if (left < 0)
        log::say(log::kInfo, "every process left: TERM, grace %ss", grace);
    else
        log::say(log::kInfo, "%d processes left: TERM, grace %ss", left, grace);
    // The full grace, even if a forwarded TERM started one for the main child (DESIGN.md §4).
    if (grace_ms_ == 0)
        on_timer();
    else
        arm_timer(grace_ms_);
}

void Cascade::on_timer() {
    timer_armed_ = false;
    if (++kill_rounds_ > kMaxKillRounds) {
        log::say(log::kWarn, "processes still left after %d KILL rounds; exiting", kMaxKillRounds);
        gave_up_ = true;
        return;
    }
    int left = signal_all(SIGKILL, false);
    if (kill_rounds_ == 1 && left >= 0) log::say(log::kInfo, "KILL %d processes", left);
    if (kill_rounds_ == 1 && left < 0) log::say(log::kInfo, "KILL every process left");
    arm_timer(kKillRoundMs);
}

}  // namespace pinit::shutdown
