#include "fd.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include <climits>

#include "sys.hpp"

namespace pinit::fds {

void reserve_standard() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (syscall(SYS_fcntl, fd, F_GETFD) >= 0) continue;  // musl's fcntl: 0.4 KB
        // The lowest free number is this one. No /dev/null (a bare rootfs): an eventfd holds it.
        if (sys::open("/dev/null", O_RDWR | O_CLOEXEC) < 0)
            (void)syscall(SYS_eventfd2, 0, EFD_CLOEXEC);
    }
}

void close_all_except(std::initializer_list<int> keep) {
    for (unsigned from = 3;;) {
        unsigned next = UINT_MAX;  // the lowest kept fd at or above from
        for (int fd : keep)
            if (fd >= 0 && static_cast<unsigned>(fd) >= from && static_cast<unsigned>(fd) < next)
                next = static_cast<unsigned>(fd);
        // ENOSYS before Linux 5.9: the inherited fds then stay open.
        if (next > from) (void)syscall(SYS_close_range, from, next - 1, 0);
        if (next == UINT_MAX) return;
        from = next + 1;
    }
}

}  // namespace pinit::fds
