// The setup of --new-ns's namespaces, run by their new PID 1: an ordered table of named steps
// (id maps, private propagation, --root, /proc, hostname, lo, mqueue).
#pragma once

#include "config.hpp"
#include "result.hpp"
#include "supervisor.hpp"

namespace pinit::namespaces {

// What the inner side needs from the launcher; a copy of the launcher's memory, as clone()
// without CLONE_VM is a fork.
struct Plan {
    const Config& config;
    int flags;  // CLONE_NEW*
    long outer_uid, outer_gid;
    supervisor::FromLauncher handover;
    int launcher_end;  // the launcher's end: the inner closes its copy first
};

// Runs the steps in order; the first failure stops them and is returned with its step's name.
Result set_up(const Plan& plan);

}  // namespace pinit::namespaces
