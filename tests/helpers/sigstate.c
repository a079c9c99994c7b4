/* Prints the SigBlk and SigIgn lines of its own /proc/self/status. */
#include <stdio.h>
#include <string.h>

int main(void) {
    FILE *status = fopen("/proc/self/status", "r");
    if (!status) return 2;
    char line[256];
    while (fgets(line, sizeof line, status))
        if (!strncmp(line, "SigBlk:", 7) || !strncmp(line, "SigIgn:", 7)) fputs(line, stdout);
    return 0;
}
