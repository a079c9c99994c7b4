#include "channel.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "log.hpp"
#include "result.hpp"
#include "sys.hpp"

namespace pinit::channel {

bool send(int fd, Message message) {
    return write(fd, &message, sizeof message) == sizeof message;
}

std::optional<Message> receive(int fd) {
    Message message;
    char bytes[sizeof message + 1];  // one more: a longer message shows as too long, not cut
    ssize_t n = recv(fd, bytes, sizeof bytes, 0);
    if (n != sizeof message) return std::nullopt;
    __builtin_memcpy(&message, bytes, sizeof message);
    auto type = static_cast<std::uint8_t>(message.type);
    if (type < static_cast<std::uint8_t>(Type::setup_done) ||
        type > static_cast<std::uint8_t>(Type::setup_seen))
        return std::nullopt;
    return message;
}

bool shell_can_continue_us() {
    pid_t parent = getppid();
    return getsid(parent) == getsid(0) && getpgid(parent) != getpgrp();
}

namespace {

// PID 1 cannot stop, and the launcher's group is invisible inside: the launcher stops itself so
// the calling shell sees its job stopped, and on fg or bg says whether it has the terminal.
void follow_job_stop(int channel) {
    if (shell_can_continue_us()) (void)kill(getpid(), SIGSTOP);
    bool foreground = sys::tcgetpgrp(STDIN_FILENO) == getpgrp();
    (void)send(channel, {foreground ? Type::job_foreground : Type::job_background});
}

// Handles what PID 1 says; false once the channel is done with (closed, garbled or failed).
bool hear_inner(int channel, std::optional<Message>* failed) {
    std::optional<Message> message = receive(channel);
    if (!message) return false;
    if (message->type == Type::setup_failed) *failed = message;
    if (message->type == Type::job_stopped) follow_job_stop(channel);
    return message->type != Type::setup_failed;
}

// Reaps every child; true once inner is among them (its status in *status).
bool reap_all(pid_t inner, int* status) {
    bool inner_exited = false;
    for (int child_status = 0;;) {
        pid_t pid = waitpid(-1, &child_status, WNOHANG);
        if (pid <= 0) return inner_exited;
        if (pid == inner) {
            *status = child_status;
            inner_exited = true;
        }
    }
}

void forward(pid_t inner, const signalfd_siginfo& info, unsigned self) {
    int sig = static_cast<int>(info.ssi_signo);
    bool own = info.ssi_code == SI_USER && info.ssi_pid == self;  // e.g. SIGPIPE of a log line
    if (sig != SIGCHLD && !own && kill(inner, sig) < 0 && errno != ESRCH)
        log::say(log::kWarn, "relay signal %d: %m", sig);
}

}  // namespace

int relay(pid_t inner, int signal_fd, int channel, std::optional<Message>* failed) {
    const unsigned self = static_cast<unsigned>(getpid());
    for (;;) {
        pollfd fds[2] = {{signal_fd, POLLIN, 0}, {channel, POLLIN, 0}};  // poll skips fd -1
        if (sys::poll(fds, 2, true) < 0) continue;  // EINTR: all signals are blocked, but be safe
        if (fds[1].revents != 0 && !hear_inner(channel, failed)) channel = -1;
        if (fds[0].revents == 0) continue;
        signalfd_siginfo infos[8];
        ssize_t n = read(signal_fd, infos, sizeof infos);
        if (n < 0 && errno == EINTR) continue;
        int status = 0;
        if (n <= 0) {  // cannot relay any more: take the namespace down rather than orphan it
            log::say(log::kError, "read signalfd: %m");
            (void)kill(inner, SIGKILL);
            (void)waitpid(inner, &status, 0);
            return kExitOwnFailure << 8;  // as if exited 125
        }
        for (ssize_t i = 0; i < n / static_cast<ssize_t>(sizeof infos[0]); ++i)
            forward(inner, infos[i], self);
        if (reap_all(inner, &status)) {
            if (channel >= 0) (void)hear_inner(channel, failed);  // a last message, if any
            return status;
        }
    }
}

}  // namespace pinit::channel
