// --new-ns: the launcher, which stays in the caller's namespaces, and pinit as PID 1 of new ones
// (DESIGN.md §2). The launcher relays every signal inward and the exit status outward.
#pragma once

#include "channel.hpp"
#include "config.hpp"

namespace pinit::namespaces {

// Creates the namespaces, runs config.command under pinit as their PID 1, and returns the
// launcher's exit code: the inner status, 128+N if it died of signal N, 125 if setup failed.
// The caller has taken the signals over (handover.caller) and set -p, which stays the
// launcher's own.
int launch(const Config& config, channel::Handover handover);

}  // namespace pinit::namespaces
