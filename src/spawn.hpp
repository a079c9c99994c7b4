// Starts the command: vfork, child setup, exec; reports an exec failure with its errno.
#pragma once

#include <sys/types.h>

#include "signals.hpp"

namespace pinit {

// What the child must get back from the caller of pinit (DESIGN.md §2).
struct ChildSetup {
    signals::Mask caller_mask = 0;     // the signal mask pinit was started with
    bool caller_ignored_chld = false;  // pinit resets SIGCHLD to default for itself
    pid_t parent = 0;                  // pinit's pid, to re-check after PR_SET_PDEATHSIG
    bool terminal_is_ours = false;     // the command takes the terminal's foreground
    char** listen_pid = nullptr;       // socket activation: this environ slot gets the child's
};

// Spawned::err when the command exists but its #! interpreter does not (exec says ENOENT).
inline constexpr int kBadInterpreter = -1;

struct Spawned {
    pid_t pid = -1;  // -1: vfork failed, errno in err
    int err = 0;     // vfork's errno, or the errno of a failed exec (the child has exited)
    bool exec_failed() const { return pid > 0 && err != 0; }
};

// Whether pinit's process group is the foreground of the terminal on stdin: only then does the
// command get the terminal (`pinit -- cmd &` from a shell must not steal the shell's). Asked by
// main, for both roles: inside --new-ns the launcher's group is invisible.
bool group_holds_terminal();

// "LISTEN_PID=<this process's pid>" into out (24 bytes at least).
void format_listen_pid(char* out);

[[nodiscard]] Spawned spawn(char* const argv[], const ChildSetup& setup);

}  // namespace pinit
