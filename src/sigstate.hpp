// The kernel's per-process signal state, set through the raw system calls: libc wrappers hide
// the real-time signals they reserve (musl 32-34, glibc 32-33), and pinit must save and restore
// the caller's state exactly, those included.
#pragma once

#include "signals.hpp"

namespace pinit::sigstate {

// rt_sigprocmask(SIG_SETMASK); old may be nullptr. -1 and errno on failure.
int set_mask(signals::Mask mask, signals::Mask* old);

// Sets sig to SIG_DFL or SIG_IGN; *was_ignored tells whether it was SIG_IGN (may be nullptr).
int set_ignored(int sig, bool ignored, bool* was_ignored);

// signalfd4 for mask, close-on-exec.
int open_signalfd(signals::Mask mask);

// What the caller of pinit had; the command gets exactly this back.
struct Saved {
    signals::Mask mask = 0;
    bool ignored_chld = false;
};

// Blocks every signal pinit may block and sets SIGCHLD to its default action (an inherited
// SIG_IGN would make the kernel reap the child unseen), saving what was there. -1 on failure.
int take_over(Saved& caller);

}  // namespace pinit::sigstate
