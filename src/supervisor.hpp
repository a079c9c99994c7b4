// The entrypoint-mode init: start the command, forward signals, reap, return its exit code.
#pragma once

#include "config.hpp"

namespace pinit::supervisor {

// Runs config.command under pinit and returns pinit's exit code (DESIGN.md §5).
// terminal_is_ours: the command gets the terminal's foreground (--new-ns, where the launcher
// held it); otherwise it gets it only if pinit holds it.
int run(const Config& config, bool terminal_is_ours = false);

}  // namespace pinit::supervisor
