// The entrypoint-mode init: start the command, forward signals, reap, return its exit code.
#pragma once

#include "config.hpp"

namespace pinit::supervisor {

// Runs config.command under pinit and returns pinit's exit code (DESIGN.md §5).
int run(const Config& config);

}  // namespace pinit::supervisor
