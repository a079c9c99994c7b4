/* Installed setuid root by the test: becomes root, forks a child that goes back to the real uid
 * and execs argv[1..], waits for it and exits: a root-owned process between pinit (run by an
 * ordinary user) and a descendant of that user's, as sudo or su leave one. */
#define _GNU_SOURCE
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    uid_t user = getuid();
    gid_t group = getgid();
    if (argc < 2 || setresuid(0, 0, 0) < 0) return 2;
    pid_t child = fork();
    if (child == 0) {
        if (setresgid(group, group, group) < 0 || setresuid(user, user, user) < 0) _exit(2);
        execv(argv[1], argv + 1);
        _exit(127);
    }
    int status;
    return child > 0 && waitpid(child, &status, 0) == child ? 0 : 2;
}
