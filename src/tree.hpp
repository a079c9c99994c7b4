// The processes below pinit, found through /proc/<pid>/task/<tid>/children.
#pragma once

#include <sys/types.h>

namespace pinit::tree {

// Sends sig (and then SIGCONT, if also_continue) to every descendant of root, including daemons
// that called setsid() or changed process group, and nothing outside root's subtree — provided
// /proc belongs to the caller's pid namespace (shutdown.cpp checks that first). A process's
// children are read before it is signalled, so a parent's death cannot hide them. Children forked
// while this runs may be missed: callers repeat until the tree is empty. Returns how many
// processes were signalled.
int signal_descendants(pid_t root, int sig, bool also_continue);

}  // namespace pinit::tree
