/* Prints the numbers of its open file descriptors, space-separated (not the one it lists with). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return 2;
    int self = dirfd(dir);
    int fds[1024], count = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        int fd = atoi(e->d_name);
        if (fd != self && count < 1024) fds[count++] = fd;
    }
    closedir(dir);
    for (int i = 0; i < count; ++i)
        for (int j = i + 1; j < count; ++j)
            if (fds[j] < fds[i]) { int t = fds[i]; fds[i] = fds[j]; fds[j] = t; }
    for (int i = 0; i < count; ++i) printf(i ? " %d" : "%d", fds[i]);
    printf("\n");
    return 0;
}
