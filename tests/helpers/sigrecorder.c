/* Records every signal it gets: prints "ready PID", then one line "SIGNO" per signal handled,
 * and exits 0 after handling the signal given as argv[1] (if any). Never reads stdin. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t exit_signal = 0;

static void put_number(char *buf, int *n, long value) {
    char digits[24];
    int i = 0;
    do digits[i++] = (char)('0' + value % 10); while ((value /= 10) != 0);
    while (i > 0) buf[(*n)++] = digits[--i];
}

static void on_signal(int sig) {
    char line[16];
    int n = 0;
    put_number(line, &n, sig);
    line[n++] = '\n';
    (void)!write(STDOUT_FILENO, line, (size_t)n);
    if (sig == exit_signal) _exit(0);  /* here, not after pause(): a flag could be missed */
}

int main(int argc, char **argv) {
    if (argc > 1) exit_signal = atoi(argv[1]);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask); /* one handler at a time: lines never interleave */
    for (int sig = 1; sig < 65; ++sig) (void)sigaction(sig, &sa, NULL); /* KILL/STOP/32/33 fail */
    sigset_t none;
    sigemptyset(&none);
    (void)sigprocmask(SIG_SETMASK, &none, NULL);
    char line[32] = "ready ";
    int n = 6;
    put_number(line, &n, getpid());
    line[n++] = '\n';
    (void)!write(STDOUT_FILENO, line, (size_t)n);
    for (;;) pause();
}
