/* Listens on ADDR:PORT (argv[1], argv[2]), prints "listening", then sends back the first line
 * of the first connection and exits 0; exits 1 if it cannot listen. For the network tests: a
 * server inside the sandbox that the host reaches through a veth pair or slirp4netns. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[2]));
    if (fd < 0 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 1) < 0) {
        perror("listen");
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int peer = accept(fd, NULL, NULL);
    if (peer < 0) {
        perror("accept");
        return 1;
    }
    char line[4096];
    size_t used = 0;
    ssize_t got;
    while (used < sizeof line && (got = read(peer, line + used, sizeof line - used)) > 0) {
        used += (size_t)got;
        if (memchr(line, '\n', used)) break;
    }
    char *end = memchr(line, '\n', used);
    size_t length = end ? (size_t)(end - line) + 1 : used;
    return write(peer, line, length) == (ssize_t)length ? 0 : 1;
}
