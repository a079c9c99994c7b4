/* Dies of the signal numbered argv[1]: default action, unblocked, then raised. */
#include <signal.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int sig = atoi(argv[1]);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    return 3; /* only if the signal did not kill */
}
