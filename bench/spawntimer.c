/* Interleaved wall-clock timer for short commands.
 *   spawntimer [-r K] RUNS NAME1 CMD1... ::: NAME2 CMD2... ::: ...
 * Each round runs every command once, in turn (so drift and noise hit all alike), with
 * posix_spawn + waitpid; prints the median, p10 and p90 of each, and its median ratio to the first.
 * -r K adds a column: the median ratio to the K-th command (1 is the first), a second reference
 * measured in the same rounds. */
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
    int second = 0; /* -r K, 0-based; -1: none */
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        second = atoi(argv[2]);
        argc -= 2;
        argv += 2;
    }
    --second;
    if (argc < 4) {
        fprintf(stderr, "usage: spawntimer [-r K] RUNS NAME CMD... [::: NAME CMD...]...\n");
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
    if (second >= count) {
        fprintf(stderr, "spawntimer: -r %d, but only %d commands\n", second + 1, count);
        return 2;
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
    double medians[kMaxCommands];
    for (int c = 0; c < count; ++c) {
        double *t = times + c * runs;
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        medians[c] = t[runs / 2];
    }
    printf("%-28s %10s %10s %10s %8s", "command", "median_us", "p10_us", "p90_us", "ratio");
    if (second >= 0) printf("  / %s", names[second]);
    printf("\n");
    for (int c = 0; c < count; ++c) {
        double *t = times + c * runs;
        printf("%-28s %10.1f %10.1f %10.1f %7.2fx", names[c], medians[c], t[runs / 10],
               t[runs * 9 / 10], medians[c] / medians[0]);
        if (second >= 0) printf("  %7.2fx", medians[c] / medians[second]);
        printf("\n");
    }
    return 0;
}
