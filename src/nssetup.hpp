// The setup of --new-ns's namespaces, run by their new PID 1: an ordered table of named steps
// (id maps, private propagation, --root, /proc, the lock on the mounts, hostname, lo, mqueue).
#pragma once

#include "mount.hpp"

namespace pinit::namespaces {

// What the steps need, copied from the Config by the launcher before the clone.
struct Plan {
    int flags;  // CLONE_NEW*
    long outer_uid, outer_gid;
    bool map_user, mount_proc;
    const char* root;      // --root DIR, or nullptr
    const char* hostname;  // or nullptr
    const Mount* mounts;   // --bind, --ro-bind, --tmpfs in order
    int mount_count;
    bool make_dev, read_only;
    const char* chdir;          // or nullptr
    mutable int failed_volume;  // which of mounts a failed "volumes" step was at, else -1
};

struct [[nodiscard]] SetupResult {
    int step = -1;  // the failed step's index in the table, -1 if none failed
    int err = 0;
    int volume = -1;  // with the volumes step: which mount
    bool ok() const { return step < 0; }
};

// Runs the steps in order; the first failure stops them.
SetupResult set_up(const Plan& plan);

// The name of step index (for the launcher's message), or nullptr if there is no such step.
const char* step_name(int index);

}  // namespace pinit::namespaces
