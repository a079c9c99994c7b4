/* Leaves processes behind for the shutdown tests.
 *   lingerer [-s SETSID] [-i] [-m DIR] [-T] COUNT EXIT
 * Starts COUNT children in its own process group and SETSID more that call setsid() (daemons),
 * each of which: ignores TERM (-i), or on TERM writes the file DIR/<pid> and exits 0 (-m), or
 * else dies of TERM; then waits forever. Once all are set up, prints their pids on one line and
 * exits with EXIT; with -T, prints the wall-clock time (microseconds) on a second line first,
 * for the shutdown benchmark. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *marker_dir;

static void on_term(int sig) {
    (void)sig;
    char path[4096];
    snprintf(path, sizeof path, "%s/%d", marker_dir, (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
    _exit(0);
}

int main(int argc, char **argv) {
    int setsid_count = 0, ignore_term = 0, print_time = 0, opt;
    while ((opt = getopt(argc, argv, "+s:im:T")) != -1) {
        if (opt == 's') setsid_count = atoi(optarg);
        else if (opt == 'T') print_time = 1;
        else if (opt == 'i') ignore_term = 1;
        else if (opt == 'm') marker_dir = optarg;
        else return 2;
    }
    if (argc - optind != 2) return 2;
    int count = atoi(argv[optind]), code = atoi(argv[optind + 1]);
    int ready[2];
    if (pipe(ready) < 0) return 2;
    pid_t *pids = calloc((size_t)(count + setsid_count + 1), sizeof *pids);
    for (int i = 0; i < count + setsid_count; ++i) {
        pid_t pid = fork();
        if (pid < 0) return 2;
        if (pid > 0) {
            pids[i] = pid;
            continue;
        }
        if (i >= count) setsid();
        if (ignore_term) signal(SIGTERM, SIG_IGN);
        else if (marker_dir) signal(SIGTERM, on_term);
        close(ready[0]);
        (void)!write(ready[1], "x", 1);
        close(ready[1]);
        for (;;) pause();
    }
    close(ready[1]);
    char byte;
    for (int i = 0; i < count + setsid_count; ++i)
        if (read(ready[0], &byte, 1) != 1) return 2;
    for (int i = 0; i < count + setsid_count; ++i) printf("%s%d", i ? " " : "", (int)pids[i]);
    printf("\n");
    if (print_time) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        printf("%lld\n", (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000);
    }
    return code;
}
