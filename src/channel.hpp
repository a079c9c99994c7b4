// The launcher <-> PID 1 channel of --new-ns: fixed-size messages over a SOCK_SEQPACKET pair (one
// write, one message), and the launcher's relay loop around it. Only a well-formed message of
// exactly the expected size and a known type is ever accepted; numbers cross it, never pointers.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "sigstate.hpp"

namespace pinit::channel {

enum class Type : std::uint8_t {
    setup_done = 1,  // PID 1 -> launcher: the namespaces are ready (the pid file may be written)
    setup_failed,    // PID 1 -> launcher: step (an index into the setup table) failed with err
    job_stopped,     // PID 1 -> launcher: the job stopped; stop for the shell, answer on SIGCONT
    job_foreground,  // launcher -> PID 1: continued, and the launcher's group has the terminal
    job_background,  // launcher -> PID 1: continued without the terminal (`bg`)
    setup_seen,      // launcher -> PID 1: pid file and status line written; start the command
};

struct Message {
    Type type;
    std::uint8_t step = 0;       // setup_failed: the step's index
    std::uint8_t volume = 0xff;  // setup_failed in the volumes step: which --bind/--tmpfs
    std::int32_t err = 0;
};

bool send(int fd, Message message);
// The next message (blocks until one comes); nullopt once the peer is gone or sent anything
// malformed.
std::optional<Message> receive(int fd);

// Whether a job-control shell can continue this process after it stops: its process group is
// not orphaned, i.e. its parent is in another group of the same session (POSIX; the kernel does
// not stop an orphaned group on TSTP, TTIN or TTOU either). Else a self-stop would be for good.
bool shell_can_continue_us();

// What a role gets from whoever started it: main in entrypoint mode, the launcher for PID 1.
struct Handover {
    sigstate::Saved caller;         // the caller's signal state, taken over already
    bool terminal_is_ours = false;  // pinit's group held the terminal: the command takes it
    int channel = -1;               // PID 1's end of the channel; -1 in entrypoint mode
    int signal_fd = -1;             // the launcher's signalfd, inherited; -1: open one
    char** listen_pid = nullptr;    // environ's LISTEN_PID=<pinit's pid>, for the command's
};

// The launcher after the clone: relays every signal to inner, reaps every child (as a
// container's PID 1 it gets the orphans of `docker exec`), follows job stops, and returns
// inner's wait status (125's if pinit itself failed). A setup failure PID 1 reports is stored in
// *failed.
int relay(pid_t inner, int signal_fd, int channel, std::optional<Message>* failed);

}  // namespace pinit::channel
