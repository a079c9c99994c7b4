/* Churns through pids so that a pid read from /proc is soon another process's.
 *   pidchurn outsider K K processes fork short-lived children forever and print "hit SIG" for
 *                       each one that a signal killed (nothing in their tree signals them)
 *   pidchurn tree N MS  forks N middles that ignore TERM and fork-and-reap children that exit
 *                       at once, forever; prints "ready" and exits 0 after MS milliseconds */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void churn(int report) {
    for (;;) {
        pid_t pid = fork();
        if (pid == 0) {
            if (report) {
                struct timespec nap = {0, 200 * 1000};
                nanosleep(&nap, NULL);
            }
            _exit(0);
        }
        int status;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && report) {
            printf("hit %d\n", WTERMSIG(status));
            fflush(stdout);
        }
    }
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "outsider") == 0) {
        printf("ready\n");
        fflush(stdout);
        for (int i = 1; i < atoi(argv[2]); ++i)
            if (fork() == 0) break;
        churn(1);
    }
    if (argc != 4 || strcmp(argv[1], "tree") != 0) return 2;
    for (int i = 0; i < atoi(argv[2]); ++i) {
        if (fork() == 0) {
            signal(SIGTERM, SIG_IGN);
            churn(0);
        }
    }
    printf("ready\n");
    fflush(stdout);
    struct timespec wait = {0, atoi(argv[3]) * 1000L * 1000L};
    nanosleep(&wait, NULL);
    return 0;
}
