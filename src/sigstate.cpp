#include "sigstate.hpp"

#include <sys/signalfd.h>

#include "arch.hpp"

namespace pinit::sigstate {

static_assert(sizeof(signals::Mask) == arch::kSigsetBytes);

int set_mask(signals::Mask mask, signals::Mask* old) {
    return static_cast<int>(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, old, sizeof mask));
}

int set_ignored(int sig, bool ignored, bool* was_ignored) {
    arch::KernelSigaction action = {ignored ? SIG_IGN : SIG_DFL, 0, nullptr, {}};
    arch::KernelSigaction old = {};
    int rc = static_cast<int>(syscall(SYS_rt_sigaction, sig, &action, &old, arch::kSigsetBytes));
    if (rc == 0 && was_ignored != nullptr) *was_ignored = old.handler == SIG_IGN;
    return rc;
}

int open_signalfd(signals::Mask mask) {
    return static_cast<int>(syscall(SYS_signalfd4, -1, &mask, sizeof mask, SFD_CLOEXEC));
}

int take_over(Saved& caller) {
    if (set_mask(signals::kBlockable, &caller.mask) < 0) return -1;
    return set_ignored(SIGCHLD, false, &caller.ignored_chld);
}

}  // namespace pinit::sigstate
