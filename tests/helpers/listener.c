/* Listens on 127.0.0.1:PORT (argv[1]), prints "listening PORT" and waits; exits 1 if it cannot
 * bind. For the network namespace test: two of them bind the same port in two namespaces. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 1) < 0) {
        perror("bind");
        return 1;
    }
    printf("listening %s\n", argv[1]);
    fflush(stdout);
    for (;;) pause();
}
