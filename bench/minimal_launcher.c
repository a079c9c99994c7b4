/* The reference for `pinit --new-ns` launch time: the least a launcher into new pid + mount
 * namespaces with a fresh /proc can do, and nothing more (no signal relay, no init duties).
 *   minimal_launcher [--lock] CMD [ARG]...
 * clone(NEWPID|NEWNS, + NEWUSER mapping the caller to root when not root) -> the child: / made
 * private (recursively), proc on /proc, vfork + execvp CMD, wait, exit with its code; the parent
 * waits and exits with the child's. bench/launch.sh builds it with `musl-gcc -static -Os`.
 * --lock, rootless: before the vfork, a nested user + mount namespace (mapping root to root), in
 * which the kernel locks the mounts made above, as pinit does so that `umount /proc` inside
 * cannot show the host's /proc: the same guarantee at its least cost.
 * Errors: one line naming the step, exit 125 (pinit's own-failure code); any failed exec is 127. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kExitOwnFailure = 125, kExitNotFound = 127, kExitSignalBase = 128 };

static _Noreturn void fail(const char* what) {
    (void)!write(STDERR_FILENO, "minimal_launcher: ", 18);
    (void)!write(STDERR_FILENO, what, strlen(what));
    (void)!write(STDERR_FILENO, " failed\n", 8);
    _exit(kExitOwnFailure);
}

/* No O_CLOEXEC: musl would add an fcntl for kernels before 2.6.23, and the fd is closed at once. */
static void write_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) fail(path);
    close(fd);
}

static int code_of(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : kExitSignalBase + WTERMSIG(status);
}

static int wait_for(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) fail("waitpid");
    return code_of(status);
}

/* Without privilege an unprivileged map must be the caller's own ids, after setgroups is
 * denied (user_namespaces(7)). uid and gid are the caller's, read before the clone; no stdio
 * (pinit links none either), so the map is formatted by hand. */
static void write_id_map(const char* path, unsigned outer) {
    char map[32] = "0 ", digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + outer % 10);
        outer /= 10;
    } while (outer > 0);
    char* end = map + 2;
    while (n > 0) *end++ = digits[--n];
    memcpy(end, " 1\n", 4);
    write_file(path, map);
}

static void map_to_root(unsigned uid, unsigned gid) {
    write_file("/proc/self/setgroups", "deny");
    write_id_map("/proc/self/uid_map", uid);
    write_id_map("/proc/self/gid_map", gid);
}

/* PID 1 of the new namespaces. */
static _Noreturn void inner(char** argv, int new_user, int lock, unsigned uid, unsigned gid) {
    if (new_user) map_to_root(uid, gid);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail("make / private");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        fail("mount /proc");
    if (new_user && lock) {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) fail("lock the mounts");
        write_file("/proc/self/uid_map", "0 0 1\n");
        write_file("/proc/self/gid_map", "0 0 1\n");
    }
    pid_t child = vfork();
    if (child == 0) {
        execvp(argv[0], argv);
        _exit(kExitNotFound);
    }
    if (child < 0) fail("vfork");
    _exit(wait_for(child));
}

int main(int argc, char** argv) {
    int lock = argc > 1 && strcmp(argv[1], "--lock") == 0;
    argv += lock;
    argc -= lock;
    if (argc < 2) {
        static const char usage[] = "usage: minimal_launcher [--lock] CMD [ARG]...\n";
        (void)!write(STDERR_FILENO, usage, sizeof usage - 1);
        return kExitOwnFailure;
    }
    unsigned uid = geteuid(), gid = getegid();
    int new_user = uid != 0;
    int flags = CLONE_NEWPID | CLONE_NEWNS | (new_user ? CLONE_NEWUSER : 0);
    /* Raw clone, a fork into the new namespaces, as pinit's launcher makes it. */
    pid_t pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid == 0) inner(argv + 1, new_user, lock, uid, gid);
    if (pid < 0) fail("clone");
    return wait_for(pid);
}
