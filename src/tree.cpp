#include "tree.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>

#include "fd.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit::tree {

namespace {

// A depth-first walk: the path from root down is a stack of processes held open as pidfds,
// and their children wait in one pool of pids. Static, as pinit allocates nothing after
// start-up; what does not fit (deeper, or more) waits for the caller's next round.
constexpr int kMaxDepth = 128;
constexpr int kMaxPooled = 32768;

struct Frame {
    pid_t pid;
    int pidfd;  // -1 for root, which is the caller
    int begin;  // its children in the pool: [begin, end); everything above is its descendants'
    int next;
    int end;
};

Frame g_path[kMaxDepth];
pid_t g_pool[kMaxPooled];

long parse_decimal(const char* text) {
    long value = 0;
    for (const char* c = text; *c >= '0' && *c <= '9'; ++c) value = value * 10 + (*c - '0');
    return value;
}

// "/proc/<pid>/task", or with a tid "/proc/<pid>/task/<tid>/children".
Text proc_path(pid_t pid, pid_t tid) {
    Text path;
    path.put("/proc/").put(static_cast<long>(pid)).put("/task");
    if (tid > 0) path.put('/').put(static_cast<long>(tid)).put("/children");
    return path;
}

// Appends the pids listed in a children file ("12 345 ") to the pool.
void pool_children(const char* path, int& count) {
    Fd file(sys::open(path, O_RDONLY | O_CLOEXEC));
    if (!file.ok()) return;  // the thread or process is gone: nothing to find
    char buf[4096];
    long pid = 0;
    for (ssize_t n; (n = read(file.get(), buf, sizeof buf)) > 0;) {
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] >= '0' && buf[i] <= '9') {
                pid = pid * 10 + (buf[i] - '0');
            } else if (pid != 0) {
                if (count < kMaxPooled) g_pool[count++] = static_cast<pid_t>(pid);
                pid = 0;
            }
        }
    }
}

// A child may belong to any thread of its parent (Go and Java fork from many): read them all.
void pool_children_of(pid_t pid, int& count) {
    Fd dir(sys::open(proc_path(pid, 0).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.ok()) return;
    alignas(8) char entries[2048];
    for (long n; (n = syscall(SYS_getdents64, dir.get(), entries, sizeof entries)) > 0;) {
        for (long offset = 0; offset < n;) {
            // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name
            const char* entry = entries + offset;
            std::uint16_t reclen;
            __builtin_memcpy(&reclen, entry + 16, sizeof reclen);
            offset += reclen;
            long tid = parse_decimal(entry + 19);
            if (tid > 0) pool_children(proc_path(pid, static_cast<pid_t>(tid)).c_str(), count);
        }
    }
}

// Field 4 of /proc/<pid>/stat, after the command name in parentheses; 0 if unreadable.
pid_t parent_of(pid_t pid) {
    Text path;
    path.put("/proc/").put(static_cast<long>(pid)).put("/stat");
    Fd file(sys::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    char stat[512];
    ssize_t n = file.ok() ? read(file.get(), stat, sizeof stat - 1) : -1;
    if (n <= 0) return 0;
    stat[n] = '\0';
    const char* close_paren = find_last(stat, ')');
    return close_paren && close_paren[1] ? static_cast<pid_t>(parse_decimal(close_paren + 4)) : 0;
}

// Without a pidfd (Linux < 5.3, a seccomp filter that refuses pidfd_open, no fd left) by pid,
// as before pidfds: a reuse in between cannot be ruled out then.
bool send(int pidfd, pid_t pid, int sig) {
    if (pidfd < 0) return kill(pid, sig) == 0;
    return syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) == 0;
}

// The parent read from /proc after the pidfd was opened is an ancestor on the path, and that
// ancestor is still unreaped (so its pid is still its own; EPERM: alive, but pinit may not
// signal it, e.g. a setuid helper): the process is in the tree.
bool parent_is_on_path(pid_t parent, int depth) {
    for (int i = depth; i >= 0; --i)
        if (g_path[i].pid == parent)
            return i == 0 || send(g_path[i].pidfd, parent, 0) || errno == EPERM;
    return false;
}

}  // namespace

int signal_descendants(pid_t root, int sig, bool also_continue) {
    int signalled = 0, pooled = 0, depth = 0;
    pool_children_of(root, pooled);
    g_path[0] = {root, -1, 0, 0, pooled};
    while (depth >= 0) {
        Frame& top = g_path[depth];
        if (top.next == top.end) {
            if (top.pidfd >= 0) close(top.pidfd);
            pooled = top.begin;
            --depth;
            continue;
        }
        pid_t pid = g_pool[top.next++];
        int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
        if (pidfd < 0 && errno == ESRCH) continue;  // gone already
        if (!parent_is_on_path(parent_of(pid), depth)) {
            if (pidfd >= 0) close(pidfd);
            continue;
        }
        int first_child = pooled;
        if (depth + 1 < kMaxDepth) pool_children_of(pid, pooled);
        if (send(pidfd, pid, sig)) ++signalled;
        if (also_continue) (void)send(pidfd, pid, SIGCONT);
        if (depth + 1 < kMaxDepth && pooled > first_child) {
            g_path[++depth] = {pid, pidfd, first_child, first_child, pooled};
        } else if (pidfd >= 0) {
            close(pidfd);
        }
    }
    return signalled;
}

}  // namespace pinit::tree
