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
    // child: the main child, whose process group is what is left to end when the tree cannot be
    // walked; child_pidfd: a pidfd of it (or -1), which names that group even after the reap.
    Cascade(pid_t self, pid_t child, int child_pidfd, std::uint32_t grace_ms)
        : self_(self), child_(child), child_pidfd_(child_pidfd), grace_ms_(grace_ms) {}

    // A stop request (TERM, INT) was forwarded to the main child: it has the grace period to exit
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
    enum class Proc { unchecked, ours, foreign, missing };

    int signal_all(int sig, bool also_continue);
    int signal_group(int sig, bool also_continue);
    bool signal_child_group(int sig);
    void arm_timer(long ms);

    pid_t self_;
    pid_t child_;
    int child_pidfd_;
    std::uint32_t grace_ms_;
    bool timer_armed_ = false;
    Proc proc_ = Proc::unchecked;
    int kill_rounds_ = 0;
    bool gave_up_ = false;
};

}  // namespace pinit::shutdown
