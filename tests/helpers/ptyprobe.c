/* Static, so it runs in a bare rootfs: opens /dev/ptmx, unlocks it, opens its slave under
 * /dev/pts, sends a line through and prints "pty ok" when it comes out on the other side. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) return perror("ptmx"), 1;
    const char *name = ptsname(master);
    int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
    if (slave < 0) return perror("slave"), 1;
    char buf[16] = {0};
    if (write(master, "ping\n", 5) != 5 || read(slave, buf, sizeof buf - 1) <= 0) return 1;
    if (strcmp(buf, "ping\n") != 0) return 1;
    printf("pty ok %s\n", strncmp(name, "/dev/pts/", 9) == 0 ? "pts" : name);
    return 0;
}
