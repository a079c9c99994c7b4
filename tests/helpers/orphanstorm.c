/* Makes N orphans: N children each fork a grandchild and exit at once, so the grandchildren are
 * re-parented to the nearest reaper (pinit) and exit there. Then waits, up to a deadline, until
 * none of pinit's children (our parent's) is a zombie, and prints "zombies: K".
 * Exit 0 when K is 0. Usage: orphanstorm N */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int zombies_of(pid_t parent) {
    DIR *proc = opendir("/proc");
    if (!proc) return -1;
    int count = 0;
    for (struct dirent *e; (e = readdir(proc)) != NULL;) {
        char path[64], buf[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        char *close_paren = strrchr(buf, ')');
        char state;
        int ppid;
        if (close_paren && sscanf(close_paren + 2, "%c %d", &state, &ppid) == 2 && state == 'Z' &&
            ppid == parent)
            ++count;
    }
    closedir(proc);
    return count;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 100;
    pid_t reaper = getppid();
    for (int i = 0; i < n; ++i) {
        pid_t child = fork();
        if (child < 0) { perror("fork"); return 2; }
        if (child == 0) {
            if (fork() == 0) _exit(0); /* the orphan */
            _exit(0);
        }
        waitpid(child, NULL, 0);
    }
    int zombies = -1;
    struct timespec start, now, pause = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        zombies = zombies_of(reaper);
        if (zombies == 0) break;
        nanosleep(&pause, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - start.tv_sec < 30);
    printf("zombies: %d\n", zombies);
    return zombies == 0 ? 0 : 1;
}
