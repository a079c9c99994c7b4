/* Interleaved wall-clock timer for short commands.
 *   spawntimer RUNS NAME1 CMD1... ::: NAME2 CMD2... ::: ...
 * Each round runs every command once, in turn (so drift and noise hit all alike), with
 * posix_spawn + waitpid; prints the median, p10 and p90 of each, and its median ratio to the first. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

enum { kMaxCommands = 16 };

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: spawntimer RUNS NAME CMD... [::: NAME CMD...]...\n");
        return 2;
    }
    int runs = atoi(argv[1]);
    char *names[kMaxCommands];
    char **commands[kMaxCommands];
    int count = 0;
    for (int i = 2; i < argc && count < kMaxCommands;) {
        names[count] = argv[i++];
        commands[count] = &argv[i];
        while (i < argc && strcmp(argv[i], ":::") != 0) ++i;
        if (i < argc) argv[i++] = NULL;
        ++count;
    }
    double *times = calloc((size_t)runs * count, sizeof *times);
    for (int round = 0; round < runs; ++round) {
        for (int c = 0; c < count; ++c) {
            pid_t pid;
            int status;
            double start = now_us();
            if (posix_spawn(&pid, commands[c][0], NULL, NULL, commands[c], environ) != 0) {
                fprintf(stderr, "cannot run %s\n", commands[c][0]);
                return 1;
            }
            waitpid(pid, &status, 0);
            times[c * runs + round] = now_us() - start;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "%s failed (status %d)\n", names[c], status);
                return 1;
            }
        }
    }
    double reference = 0;
    printf("%-28s %10s %10s %10s %8s\n", "command", "median_us", "p10_us", "p90_us", "ratio");
    for (int c = 0; c < count; ++c) {
        double *t = times + c * runs;
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        double median = t[runs / 2];
        if (c == 0) reference = median;
        printf("%-28s %10.1f %10.1f %10.1f %7.2fx\n", names[c], median, t[runs / 10],
               t[runs * 9 / 10], median / reference);
    }
    return 0;
}
