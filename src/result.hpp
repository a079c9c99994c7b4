// pinit's exit codes, and a wait status as a shell reports it.
#pragma once

namespace pinit {

// pinit's exit codes besides the child's own (DESIGN.md §5, as env(1) and timeout(1)).
inline constexpr int kExitOwnFailure = 125;
inline constexpr int kExitCannotExec = 126;
inline constexpr int kExitNotFound = 127;
inline constexpr int kExitSignalBase = 128;

// A wait(2) status as a shell reports it: the exit code, or 128+N for death by signal N.
constexpr int exit_code_of_status(int status) {
    return (status & 0x7f) != 0 ? kExitSignalBase + (status & 0x7f) : (status >> 8) & 0xff;
}

}  // namespace pinit
