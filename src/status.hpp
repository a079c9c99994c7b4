// --json-status-fd FD: bwrap's status lines, one JSON object each, for orchestrators and scripts:
//   { "child-pid": N[, "mnt-namespace": INODE, ...] }   once the command runs
//   { "exit-code": N }                                   when pinit exits
// FD is pinit's: the command does not inherit it, and a closed or full pipe there never blocks
// or stops pinit (the line is dropped).
#pragma once

#include <sys/types.h>

namespace pinit::status {

// Makes fd close-on-exec and non-blocking; false if it is not open.
bool claim(int fd);

// The child-pid line; with namespaces (CLONE_NEW* flags), the inode of each of those that
// child is in, under bwrap's key names (cgroup, ipc, mnt, net, pid, uts).
void started(int fd, pid_t child, int namespaces = 0);

void exited(int fd, int code);

}  // namespace pinit::status
