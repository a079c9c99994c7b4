// The init itself: start the command, forward signals, reap, return its exit code. Runs alike in
// entrypoint mode and as the inner PID 1 of --new-ns; only the handover differs.
#pragma once

#include "channel.hpp"
#include "config.hpp"

namespace pinit::supervisor {

// Runs config.command under pinit and returns pinit's exit code (DESIGN.md §5). The caller has
// taken the signals over already (handover.caller) and set -p; with a channel, pinit is PID 1 of
// --new-ns and follows job stops through the launcher.
int run(const Config& config, const channel::Handover& handover);

}  // namespace pinit::supervisor
