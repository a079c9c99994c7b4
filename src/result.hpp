// A failed step and its errno, returned instead of printed so that only the
// top level decides how to word and where to send the message.
#pragma once

#include <cerrno>

namespace pinit {

struct [[nodiscard]] Result {
    const char* step = nullptr;  // what was being done, e.g. "signalfd"
    int err = 0;                 // errno; 0 means success

    constexpr bool ok() const { return err == 0; }
    static constexpr Result success() { return {}; }
    static Result from_errno(const char* step) { return {step, errno}; }
};

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
