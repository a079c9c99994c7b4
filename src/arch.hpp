// The kernel ABI details that differ between architectures, for the system calls pinit makes
// without libc's wrappers. Syscall numbers come from libc's <sys/syscall.h> for the target; what
// libc does not describe is here. An architecture not listed is a compile-time error: check its
// struct sigaction, sigset size, clone argument order and signal numbers, then add it.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>

#if !defined(__x86_64__) && !defined(__aarch64__) && !(defined(__arm__) && defined(__ARM_EABI__))
#error "pinit: unknown architecture; add its kernel ABI to src/arch.hpp"
#endif
// The sigset as a u64 (signals::Mask) is the kernel's unsigned long words only in this order.
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "pinit: big-endian targets pass signal sets in another word order; see src/arch.hpp"
#endif

namespace pinit::arch {

// The kernel's sigset_t on these architectures: 64 signals (_NSIG), in unsigned long words.
inline constexpr unsigned kSigsetBytes = 8;
static_assert(_NSIG - 1 == kSigsetBytes * 8, "signal count");
// signals.cpp names signals by the generic numbers (alpha, mips and sparc differ).
static_assert(SIGBUS == 7 && SIGUSR1 == 10 && SIGCHLD == 17 && SIGSTOP == 19 && SIGSYS == 31,
              "generic signal numbers");

// struct sigaction as rt_sigaction(2) takes it here: all three have SA_RESTORER, so the field
// is there (pinit installs no handler and leaves it null). The mask is the kernel's words, not
// a u64: on arm a u64 would be 8-aligned and leave a hole before it.
struct KernelSigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask[kSigsetBytes / sizeof(unsigned long)];
};
static_assert(sizeof(KernelSigaction) == 3 * sizeof(long) + kSigsetBytes, "no padding");

// fork(2) into new namespaces: clone with no new stack. Flags come first and the stack second on
// these (s390 swaps them); the tid and tls pointers, whose order differs (x86_64: ptid, ctid,
// tls; arm and arm64: ptid, tls, ctid), are all null.
inline pid_t clone(unsigned long flags) {
    return static_cast<pid_t>(syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
}

}  // namespace pinit::arch
