// The entrypoint-mode init: start the command, forward signals, reap, return its exit code.
#pragma once

#include "config.hpp"
#include "sigstate.hpp"

namespace pinit::supervisor {

// What the --new-ns launcher hands to the inner PID 1, which then runs the supervisor.
struct FromLauncher {
    sigstate::Saved caller;  // the launcher took the signals over already; never unblocked
    bool terminal_is_ours;   // the launcher's group held the terminal: pass it to the command
    int channel;             // to the launcher: job-control messages, both ways
};

// Job control across --new-ns (a PID 1 cannot stop, and the launcher's process group is
// invisible inside): PID 1 tells the launcher its job stopped; the launcher stops itself, so
// the calling shell sees the job stopped, and when continued answers whether it has the terminal.
inline constexpr char kJobStopped = 'Z';
inline constexpr char kJobForeground = 'F';
inline constexpr char kJobBackground = 'B';

// Runs config.command under pinit and returns pinit's exit code (DESIGN.md §5). With
// from_launcher, pinit is the inner PID 1 of --new-ns: its signals are already taken over and
// -p belongs to the launcher (the inner keeps its PDEATHSIG SIGKILL).
int run(const Config& config, const FromLauncher* from_launcher = nullptr);

}  // namespace pinit::supervisor
