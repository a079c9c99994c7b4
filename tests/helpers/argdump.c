/* Writes argv[1..] each followed by NUL, then one more NUL, then environ the same way. */
#include <string.h>
#include <unistd.h>

extern char **environ;

static void dump(char **words) {
    for (; *words; ++words) (void)!write(STDOUT_FILENO, *words, strlen(*words) + 1);
    (void)!write(STDOUT_FILENO, "", 1);
}

int main(int argc, char **argv) {
    (void)argc;
    dump(argv + 1);
    dump(environ);
    return 0;
}
