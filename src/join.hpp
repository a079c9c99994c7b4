// --join TARGET: the launcher moves into the cgroups (as root) and the namespaces of a running
// process, so that the PID 1 it then forks is a subreaper inside the target's pid namespace.
#pragma once

#include "config.hpp"

namespace pinit::join {

// Enters what config.join names: each namespace that differs from the caller's (user first),
// then the target's root and working directory (--chdir: that one instead). Returns 0, or
// kExitOwnFailure after one line on stderr ("--join 1234: No such process").
int enter(const Config& config);

}  // namespace pinit::join
