// Taking the rest of the tree down when the main child is gone (DESIGN.md §4):
// TERM and CONT to everyone left, the grace period, then SIGKILL rounds until nothing is left.
// The deadlines are a one-shot ITIMER_REAL whose SIGALRM arrives through the supervisor's
// signalfd like any other signal: no second fd, no clock reads, and no timer while none is due.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace pinit::shutdown {

class Cascade {
public:
    Cascade(pid_t self, std::uint32_t grace_ms) : self_(self), grace_ms_(grace_ms) {}

    // A terminating signal was forwarded to the main child: it has the grace period to exit
    // before the whole tree gets SIGKILL (what `docker stop -t` does from outside).
    void arm_grace();
    // The main child is gone and others remain: TERM now, KILL after the grace.
    void start();
    // A SIGALRM came: whether pinit's own timer has run out (whatever the signal's origin).
    bool timer_due() const;
    // The timer fired: a SIGKILL round; repeated while processes remain, a bounded number of
    // times (children forked during a round are caught by the next).
    void on_timer();

    bool gave_up() const { return gave_up_; }

private:
    int signal_all(int sig, bool also_continue);
    void arm_timer(long ms);

    pid_t self_;
    std::uint32_t grace_ms_;
    bool timer_armed_ = false;
    int proc_is_ours_ = -1;  // /proc shows this pid namespace: -1 not checked yet
    int kill_rounds_ = 0;
    bool gave_up_ = false;
};

}  // namespace pinit::shutdown
