// The processes below pinit, found through /proc/<pid>/task/<tid>/children and signalled
// through pidfds, so that a pid reused by an outsider is never signalled.
#pragma once

#include <sys/types.h>

namespace pinit::tree {

// Sends sig (and then SIGCONT, if also_continue) to every descendant of root, including daemons
// that called setsid() or changed process group, and nothing outside root's subtree — provided
// /proc belongs to the caller's pid namespace (shutdown.cpp checks that first). root must be the
// caller (a subreaper: no one else can reap its children). Each process is opened as a pidfd
// and kept only if its parent, read after the open, is one of its ancestors still unreaped: a
// pid read from /proc that died and now names another process is skipped. A process's children
// are read before it is signalled, so its death cannot hide them. Children forked while this
// runs may be missed: callers repeat until the tree is empty. Returns how many were signalled.
int signal_descendants(pid_t root, int sig, bool also_continue);

}  // namespace pinit::tree
