/* Interactive child for the pty tests: says whether its process group owns the terminal,
 * echoes one line it reads, then waits for a signal (^C). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    printf("fg=%d\n", tcgetpgrp(STDIN_FILENO) == getpgrp());
    fflush(stdout);
    char line[256];
    if (!fgets(line, sizeof line, stdin)) return 2;
    line[strcspn(line, "\n")] = '\0';
    printf("read: %s\n", line);
    fflush(stdout);
    for (;;) pause();
}
