// System calls pinit makes without libc's wrappers. musl's open, socket and socketpair carry
// fallbacks that emulate O_CLOEXEC and SOCK_CLOEXEC with fcntl on kernels before 2.6.27 (0.6 KB
// of the size budget); pinit needs Linux 3.4 (PR_SET_CHILD_SUBREAPER) anyway. Same contract:
// -1 with errno on failure.
#pragma once

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

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

inline int socket(int domain, int type, int protocol) {
    return static_cast<int>(syscall(SYS_socket, domain, type, protocol));
}

inline int socketpair(int domain, int type, int protocol, int fds[2]) {
    return static_cast<int>(syscall(SYS_socketpair, domain, type, protocol, fds));
}

}  // namespace pinit::sys
