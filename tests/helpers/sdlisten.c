/* A socket-activated server, by sd_listen_fds(3)'s rules: the sockets from fd 3 on are its own
 * only if LISTEN_PID is its pid. Then it accepts one connection on fd 3 and answers
 * "ok pid=PID fds=N\n" on it; else it prints "refused: LISTEN_PID=... pid=..." on stderr and
 * exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    const char *listen_pid = getenv("LISTEN_PID"), *listen_fds = getenv("LISTEN_FDS");
    if (listen_pid == NULL || listen_fds == NULL || atol(listen_pid) != (long)getpid()) {
        fprintf(stderr, "refused: LISTEN_PID=%s pid=%ld\n", listen_pid ? listen_pid : "(unset)",
                (long)getpid());
        return 1;
    }
    int client = accept(3, NULL, NULL);
    if (client < 0) {
        perror("accept on fd 3");
        return 1;
    }
    char answer[64];
    int n = snprintf(answer, sizeof answer, "ok pid=%ld fds=%s\n", (long)getpid(), listen_fds);
    if (write(client, answer, (size_t)n) != n) return 1;
    close(client);
    return 0;
}
