#include "spawn.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>

#include "env.hpp"
#include "result.hpp"
#include "sigstate.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit {

namespace {

// execve, and on ENOENT for a file that exists (its #! interpreter is missing) kBadInterpreter.
void exec_file(const char* path, char* const argv[]) {
    execve(path, argv, environ);
    if (errno == ENOENT && sys::exists(path)) errno = kBadInterpreter;
}

// execvp's search as musl does it, on the stack and with execve alone (vfork-safe): a name with a
// '/' is run as it is, any other is tried in each PATH directory (an empty one is the working
// directory); ENOENT and ENOTDIR go on to the next, any other error stops the search, and an
// EACCES on the way wins over the last error. No /bin/sh for ENOEXEC (glibc's execvp has one).
// Returns only on failure, with errno set. (libc's execvp costs 1 KB of the size budget.)
void exec_in_path(char* const argv[]) {
    const char* file = argv[0];
    size_t file_len = __builtin_strlen(file);
    errno = ENOENT;
    if (file_len == 0) return;
    if (find_first(file, '/') != nullptr) {
        exec_file(file, argv);
        return;
    }
    if (file_len > NAME_MAX) {
        errno = ENAMETOOLONG;
        return;
    }
    const char* path = find_env(environ, "PATH");
    if (path == nullptr) path = "/usr/local/bin:/bin:/usr/bin";
    bool denied = false;
    for (const char* dir = path;;) {
        const char* end = dir;
        while (*end != '\0' && *end != ':') ++end;
        size_t dir_len = static_cast<size_t>(end - dir);
        char full[PATH_MAX + NAME_MAX + 1];
        if (dir_len < PATH_MAX) {
            __builtin_memcpy(full, dir, dir_len);
            full[dir_len] = '/';
            char* name = dir_len > 0 ? full + dir_len + 1 : full;
            __builtin_memcpy(name, file, file_len + 1);
            exec_file(full, argv);
            if (errno == EACCES)
                denied = true;
            else if (errno != ENOENT && errno != ENOTDIR)
                return;
        }
        if (*end == '\0') break;
        dir = end + 1;
    }
    if (denied) errno = EACCES;
}

// Socket activation (sd_listen_fds(3)): the sockets meant for pinit's pid are the command's, and
// LISTEN_PID must say so. The child writes its pid here; the parent pointed environ's slot at it.
char g_listen_pid[32];

// Runs in the vfork child, on the parent's stack and memory, until the exec: no return, no heap,
// no locks; writes to shared memory are *exec_errno, errno and g_listen_pid (the parent reads
// errno only after vfork returns).
[[noreturn]] void become_command(char* const argv[], const ChildSetup& setup,
                                 volatile int* exec_errno) {
    if (setup.listen_pid) format_listen_pid(g_listen_pid);
    (void)setpgid(0, 0);
    // SIGTTOU is still blocked here, so tcsetpgrp from the new (background) group succeeds.
    if (setup.terminal_is_ours) (void)sys::tcsetpgrp(STDIN_FILENO, getpid());
    if (setup.caller_ignored_chld) (void)sigstate::set_ignored(SIGCHLD, true, nullptr);
    (void)sys::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != setup.parent) _exit(kExitOwnFailure);  // pinit died before the prctl
    (void)sigstate::set_mask(setup.caller_mask, nullptr);
    exec_in_path(argv);
    *exec_errno = errno;
    _exit(kExitNotFound);
}

}  // namespace

void format_listen_pid(char* out) {
    __builtin_memcpy(out, "LISTEN_PID=", 11);
    char* end = out + 11;
    unsigned pid = static_cast<unsigned>(getpid());
    for (unsigned left = pid; left >= 10; left /= 10) ++end;
    end[1] = '\0';
    do *end-- = static_cast<char>('0' + pid % 10);
    while ((pid /= 10) != 0);
}

bool group_holds_terminal() {
    pid_t foreground = sys::tcgetpgrp(STDIN_FILENO);
    return foreground > 0 && foreground == getpgrp();
}

Spawned spawn(char* const argv[], const ChildSetup& setup) {
    volatile int exec_errno = 0;
    if (setup.listen_pid) *setup.listen_pid = g_listen_pid;
    pid_t pid = vfork();
    if (pid == 0) become_command(argv, setup, &exec_errno);
    if (pid < 0) return {-1, errno};
    return {pid, exec_errno};
}

}  // namespace pinit
