#include "spawn.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>

#include "result.hpp"
#include "sigstate.hpp"

namespace pinit {

namespace {

// Runs in the vfork child, on the parent's stack and memory, until the exec: no return, no heap,
// no locks; writes to shared memory are *exec_errno and errno (the parent reads errno only after
// vfork returns). execvp is not on POSIX's async-signal-safe list, but musl's and glibc's search
// PATH on the stack with execve, which is what vfork needs.
[[noreturn]] void become_command(char* const argv[], const ChildSetup& setup,
                                 volatile int* exec_errno) {
    // Take the terminal only if pinit's group holds it now: `pinit -- cmd &` from a shell must
    // not steal the shell's terminal. tcgetpgrp is -1 when stdin is not our terminal. Inside
    // --new-ns the launcher's group is invisible, so the launcher decided.
    pid_t foreground = tcgetpgrp(STDIN_FILENO);
    bool owned_terminal = setup.terminal_is_ours || (foreground > 0 && foreground == getpgrp());
    (void)setpgid(0, 0);
    // SIGTTOU is still blocked here, so tcsetpgrp from the new (background) group succeeds.
    if (owned_terminal) (void)tcsetpgrp(STDIN_FILENO, getpid());
    if (setup.caller_ignored_chld) (void)sigstate::set_ignored(SIGCHLD, true, nullptr);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != setup.parent) _exit(kExitOwnFailure);  // pinit died before the prctl
    (void)sigstate::set_mask(setup.caller_mask, nullptr);
    execvp(argv[0], argv);
    *exec_errno = errno;
    _exit(kExitNotFound);
}

}  // namespace

Spawned spawn(char* const argv[], const ChildSetup& setup) {
    volatile int exec_errno = 0;
    pid_t pid = vfork();
    if (pid == 0) become_command(argv, setup, &exec_errno);
    if (pid < 0) return {-1, errno};
    return {pid, exec_errno};
}

}  // namespace pinit
