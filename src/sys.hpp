// System calls pinit makes without libc's wrappers. musl's open, socket and socketpair carry
// fallbacks that emulate O_CLOEXEC and SOCK_CLOEXEC with fcntl on kernels before 2.6.27 (0.6 KB
// of the size budget); pinit needs Linux 3.4 (PR_SET_CHILD_SUBREAPER) anyway. Same contract:
// -1 with errno on failure.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch.hpp"

namespace pinit::sys {

inline int openat(int dir, const char* path, int flags, int mode = 0) {
    return static_cast<int>(syscall(SYS_openat, dir, path, flags, mode));
}

inline int open(const char* path, int flags, int mode = 0) {
    return openat(AT_FDCWD, path, flags, mode);
}

// renameat2 with no flags is renameat (which arm64 lacks); musl files renameat under stdio.
inline int renameat(int from_dir, const char* from, int to_dir, const char* to) {
    return static_cast<int>(syscall(SYS_renameat2, from_dir, from, to_dir, to, 0));
}

// What identifies a file (and its type), through statx(2) by hand: musl's fstatat carries
// fallbacks for kernels before 4.11 (0.6 KB). flags: AT_SYMLINK_NOFOLLOW, or AT_EMPTY_PATH with
// path "" for dir itself.
struct FileId {
    unsigned dev_major, dev_minor;
    unsigned long long ino;
    unsigned mode;
    bool operator==(const FileId&) const = default;
};

inline bool file_id(int dir, const char* path, int flags, FileId& id) {
    struct {
        unsigned mask, blksize;
        unsigned long long attributes;
        unsigned nlink, uid, gid;
        unsigned short mode, spare0;
        unsigned long long ino, size, blocks, attributes_mask, times[8];
        unsigned rdev_major, rdev_minor, dev_major, dev_minor;
        unsigned long long spare[14];
    } stx;
    static_assert(sizeof stx == 256, "struct statx");
    constexpr unsigned kTypeAndIno = 0x1 | 0x100;  // STATX_TYPE | STATX_INO
    if (syscall(SYS_statx, dir, path, flags, kTypeAndIno, &stx) < 0) return false;
    id = {stx.dev_major, stx.dev_minor, stx.ino, stx.mode};
    return true;
}

// ioctl, and the terminal calls on it: musl's ioctl converts time64 requests pinit never makes
// (0.1 KB), its tc*pgrp wrap it.
inline int ioctl(int fd, unsigned long request, void* arg = nullptr) {
    return static_cast<int>(syscall(SYS_ioctl, fd, request, arg));
}
inline pid_t tcgetpgrp(int fd) {
    int pgrp = 0;
    return ioctl(fd, TIOCGPGRP, &pgrp) < 0 ? -1 : pgrp;
}
inline int tcsetpgrp(int fd, pid_t pgrp) {
    int group = pgrp;
    return ioctl(fd, TIOCSPGRP, &group);
}

inline int socket(int domain, int type, int protocol) {
    return static_cast<int>(syscall(SYS_socket, domain, type, protocol));
}

inline int socketpair(int domain, int type, int protocol, int fds[2]) {
    return static_cast<int>(syscall(SYS_socketpair, domain, type, protocol, fds));
}

// poll, prctl and access without musl's wrappers (0.3 KB on arm64): musl's poll converts its
// timeout for ppoll (arm64 has no poll), its prctl is variadic. poll waits for ever or not at
// all; the zero timeout is two longs, the kernel's timespec for ppoll on every arch pinit builds
// for (32-bit arches take the old 32-bit one here).
inline int poll(pollfd* fds, nfds_t n, bool wait) {
    const long now[2] = {0, 0};
    return static_cast<int>(
        syscall(SYS_ppoll, fds, n, wait ? nullptr : now, nullptr, arch::kSigsetBytes));
}
inline int prctl(int option, unsigned long arg) {
    return static_cast<int>(syscall(SYS_prctl, option, arg, 0, 0, 0));
}
inline bool exists(const char* path) {
    return syscall(SYS_faccessat, AT_FDCWD, path, F_OK) == 0;
}

}  // namespace pinit::sys
