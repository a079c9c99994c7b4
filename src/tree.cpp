#include "tree.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>

#include "sys.hpp"
#include "text.hpp"

namespace pinit::tree {

namespace {

// Breadth-first queue of the processes found; static, as pinit allocates nothing after start-up.
// Past this many, the rest wait for the caller's next round.
constexpr int kMaxQueued = 32768;
pid_t g_queue[kMaxQueued];

// "/proc/<pid>/task", or with a tid "/proc/<pid>/task/<tid>/children".
Text proc_path(pid_t pid, pid_t tid) {
    Text path;
    path.put("/proc/").put(static_cast<long>(pid)).put("/task");
    if (tid > 0) path.put('/').put(static_cast<long>(tid)).put("/children");
    return path;
}

// Appends the pids listed in a children file ("12 345 ") to the queue.
void queue_children(const char* path, int& count) {
    int fd = sys::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;  // the thread or process is gone: nothing to find
    char buf[4096];
    long pid = 0;
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] >= '0' && buf[i] <= '9') {
                pid = pid * 10 + (buf[i] - '0');
            } else if (pid != 0) {
                if (count < kMaxQueued) g_queue[count++] = static_cast<pid_t>(pid);
                pid = 0;
            }
        }
    }
    close(fd);
}

// A child may belong to any thread of its parent (Go and Java fork from many): read them all.
void queue_children_of(pid_t pid, int& count) {
    int dir = sys::open(proc_path(pid, 0).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return;
    alignas(8) char entries[2048];
    for (long n; (n = syscall(SYS_getdents64, dir, entries, sizeof entries)) > 0;) {
        for (long offset = 0; offset < n;) {
            // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name
            const char* entry = entries + offset;
            const char* name = entry + 19;
            std::uint16_t reclen;
            __builtin_memcpy(&reclen, entry + 16, sizeof reclen);
            offset += reclen;
            long tid = 0;
            for (const char* c = name; *c >= '0' && *c <= '9'; ++c) tid = tid * 10 + (*c - '0');
            if (tid > 0) queue_children(proc_path(pid, static_cast<pid_t>(tid)).c_str(), count);
        }
    }
    close(dir);
}

}  // namespace

int signal_descendants(pid_t root, int sig, bool also_continue) {
    int count = 0;
    queue_children_of(root, count);
    for (int i = 0; i < count; ++i) {
        pid_t pid = g_queue[i];
        queue_children_of(pid, count);
        (void)kill(pid, sig);  // ESRCH: it died meanwhile, which is the point
        if (also_continue) (void)kill(pid, SIGCONT);
    }
    return count;
}

}  // namespace pinit::tree
