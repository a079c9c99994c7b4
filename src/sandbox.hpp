// The sandbox's filesystem, set up by the new PID 1 before pivot_root: a fresh /dev for --root,
// the volumes (--bind, --ro-bind, --tmpfs), /proc, a read-only root and the working directory.
// Every path inside the sandbox is resolved beneath its root (openat2 RESOLVE_IN_ROOT): a
// rootfs is data, possibly hostile, and its symlinks never lead a mount or a mkdir out of it.
#pragma once

#include "nssetup.hpp"

namespace pinit::namespaces {

// Steps of the setup table (nssetup.cpp), run with the working directory at the new root's
// top when there is one (bind_root). -1 with errno on failure.
int mount_proc_beneath_root(const Plan& plan);
int make_dev(const Plan& plan);
int mount_volumes(const Plan& plan);  // on failure plan.failed_volume says which
int make_root_read_only(const Plan& plan);
int enter_workdir(const Plan& plan);

}  // namespace pinit::namespaces
