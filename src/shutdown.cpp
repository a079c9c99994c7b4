#include "shutdown.hpp"

#include <sys/time.h>
#include <sys/wait.h>

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

bool is_timer_signal(int sig, int code) {
    return sig == SIGALRM && code == SI_KERNEL;
}

void Cascade::arm_timer(long ms) {
    itimerval once = {};
    once.it_value.tv_sec = ms / 1000;
    once.it_value.tv_usec = ms % 1000 * 1000;
    if (setitimer(ITIMER_REAL, &once, nullptr) < 0) log::say(log::kWarn, "setitimer: %m");
    timer_armed_ = true;
}

// As PID 1 everything in the namespace (the kernel's kill(-1) skips only pinit), as a subreaper
// only pinit's own subtree. Returns the number of descendants found.
int Cascade::signal_all(int sig, bool also_continue) {
    int count = tree::signal_descendants(self_, sig, also_continue);
    if (self_ == 1) {
        (void)kill(-1, sig);
        if (also_continue) (void)kill(-1, SIGCONT);
    }
    return count;
}

void Cascade::arm_grace() {
    if (grace_ms_ != 0 && !timer_armed_) arm_timer(grace_ms_);
}

void Cascade::start() {
    int left = signal_all(SIGTERM, true);
    char grace[16];
    log::say(log::kInfo, "%d processes left: TERM, grace %ss", left,
             seconds_text(grace, grace_ms_));
    if (grace_ms_ == 0)
        on_timer();
    else
        arm_grace();
}

void Cascade::on_timer() {
    timer_armed_ = false;
    if (++kill_rounds_ > kMaxKillRounds) {
        log::say(log::kWarn, "processes still left after %d KILL rounds; exiting", kMaxKillRounds);
        gave_up_ = true;
        return;
    }
    int left = signal_all(SIGKILL, false);
    if (kill_rounds_ == 1) log::say(log::kInfo, "KILL %d processes", left);
    arm_timer(kKillRoundMs);
}

}  // namespace pinit::shutdown
