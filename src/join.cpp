#include "join.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "errtext.hpp"
#include "fd.hpp"
#include "log.hpp"
#include "result.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit::join {

namespace {

// In the order they are entered. pid first, from the user namespace that owns it: a rootless
// `pinit --new-ns` sandbox's PID 1 sits in a nested user namespace (the mount lock) that has
// no power over its own pid namespace. Then the target's user namespace, whose capabilities
// cover the rest.
constexpr char kNames[][7] = {"pid", "user", "mnt", "uts", "ipc", "net", "cgroup", "time"};
constexpr int kCount = sizeof kNames / sizeof kNames[0];

// TARGET's pid: TARGET itself when it is all digits, else the number a pid file there holds
// (*from_file; a FIFO planted there does not block). -1 with errno: ESRCH for anything that is
// not a pid.
long target_pid(const char* target, bool* from_file) {
    const char* digits = target;
    while (*digits >= '0' && *digits <= '9') ++digits;
    char text[16] = {};
    if ((*from_file = *digits != '\0' || digits == target)) {
        Fd file(sys::open(target, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
        if (!file.ok() || read(file.get(), text, sizeof text - 1) < 0) return -1;
        target = text;
    }
    long pid = 0;
    for (digits = target; *digits >= '0' && *digits <= '9' && pid < 1 << 22; ++digits)
        pid = pid * 10 + (*digits - '0');
    if (pid > 0 && pid < 1 << 22 && (*digits == '\0' || *digits == '\n')) return pid;
    errno = ESRCH;
    return -1;
}

// As docker exec does: the target's cgroup in each hierarchy mounted here (cgroup v2's, and on
// a hybrid host each v1 controller's), so that the container's limits cover the command too.
// Host paths: before any namespace changes. A hierarchy pinit cannot join is logged at -v.
void join_cgroups(int proc) {
    char lines[4096] = {};
    Fd file(sys::openat(proc, "cgroup", O_RDONLY | O_CLOEXEC));
    if (!file.ok() || read(file.get(), lines, sizeof lines - 1) < 0) return;
    bool hybrid = sys::exists("/sys/fs/cgroup/unified");
    for (char* line = lines; *line != '\0';) {  // "ID:CONTROLLERS:PATH\n"
        char* controllers = find_first(line, ':');
        char* path = controllers ? find_first(controllers + 1, ':') : nullptr;
        char* end = path ? find_first(path, '\n') : nullptr;
        if (end == nullptr) {
            log::say(log::kInfo, "cannot join the cgroups after %s", line);
            return;
        }
        *path++ = *end = '\0';
        line = end + 1;
        if (path[1] == '.') continue;  // "/..": above pinit's own cgroup namespace
        ++controllers;
        if (__builtin_memcmp(controllers, "name=", 5) == 0) controllers += 5;
        Text procs;
        procs.put("/sys/fs/cgroup/").put(*controllers ? controllers : hybrid ? "unified" : "");
        procs.put(path).put("/cgroup.procs");
        Fd target(sys::open(procs.c_str(), O_WRONLY | O_CLOEXEC));
        if (!target.ok() || write(target.get(), "0", 1) < 0)
            log::say(log::kInfo, "cannot join cgroup %s: %m", procs.c_str());
    }
}

// Raw fchdir: musl's retries an O_PATH fd through /proc/self/fd, which needs no retry.
int chroot_at(int dir) {
    return syscall(SYS_fchdir, dir) < 0 ? -1 : chroot(".");
}

constexpr unsigned long kGetUserns = 0xb701;  // NS_GET_USERNS: the owner of a namespace

// Whether the namespace behind fd is the one this process is in (our_ns: /proc/self/ns).
bool is_ours(int fd, int our_ns, const char* name) {
    sys::FileId theirs, ours;
    return sys::file_id(fd, "", AT_EMPTY_PATH, theirs) && sys::file_id(our_ns, name, 0, ours) &&
           ours == theirs;
}

// Root in there, as nsenter makes it. Where root is unmapped a user keeps its own ids, but the
// host's root must not: its uid 0 in a namespace that others own would be theirs to trace.
// (Supplementary groups were dropped before, while that was still allowed.)
int enter_user(int fd, bool host_root) {
    if (setns(fd, CLONE_NEWUSER) < 0) return -1;
    // Raw: musl's set*id synchronise every thread (4 KB of it), and pinit has one.
    bool root = syscall(SYS_setgid, 0) == 0 && syscall(SYS_setuid, 0) == 0;
    return root || !host_root ? 0 : -1;
}

// "--join 1234: No such process", or with the namespace that refused: "setns user: ...". A
// name missing under /proc/PID means the process is gone.
int refuse(const Config& config, const char* ns, int err) {
    if (err == ENOENT) ns = nullptr, err = ESRCH;
    log::say(log::kError, "--join %s: %s%s%s%s", config.join, ns ? "setns " : "", ns ? ns : "",
             ns ? ": " : "", errno_text(err));
    return kExitOwnFailure;
}

}  // namespace

int enter(const Config& config) {
    bool from_file;
    long pid = target_pid(config.join, &from_file);
    if (pid < 0) {  // a pid file that cannot be read
        log::say(log::kError, "--join %s: %m", config.join);
        return kExitOwnFailure;
    }
    Text path;
    path.put("/proc/").put(pid);
    // Every fd is opened before the first setns: a target that exits now leaves nothing joined.
    // Plain ints: closed at the end (the host's /proc must not reach inside), or at exit.
    constexpr int kDir = O_PATH | O_DIRECTORY | O_CLOEXEC;
    int proc = sys::open(path.c_str(), kDir);
    if (proc < 0) return refuse(config, nullptr, errno);
    int their_ns = sys::openat(proc, "ns", kDir), our_ns = sys::open("/proc/self/ns", kDir);
    if (their_ns < 0) return refuse(config, nullptr, errno);
    int ns[kCount];
    for (int i = 0; i < kCount; ++i)  // a kernel without time namespaces has no ns/time
        if ((ns[i] = sys::openat(their_ns, kNames[i], O_RDONLY | O_CLOEXEC)) < 0 &&
            (i < kCount - 1 || errno != ENOENT))
            return refuse(config, kNames[i], errno);
    int root = sys::openat(proc, "root", kDir), cwd = sys::openat(proc, "cwd", kDir);
    if (cwd < 0 || root < 0) return refuse(config, nullptr, errno);
    // A pid file names a sandbox's PID 1: one in pinit's own pid namespace is stale (its pid
    // may be anybody's now, the host's init included).
    bool same_pid_ns = is_ours(ns[0], our_ns, kNames[0]);
    if (from_file && same_pid_ns) return refuse(config, nullptr, ESRCH);
    bool host_root = geteuid() == 0;
    if (host_root) {
        join_cgroups(proc);
        (void)syscall(SYS_setgroups, 0, nullptr);  // nsenter's rule; refused in a user's sandbox
    }
    if (!same_pid_ns) {
        int owner = sys::ioctl(ns[0], kGetUserns);
        bool entered =
            owner < 0 || is_ours(owner, our_ns, kNames[1]) || enter_user(owner, host_root) == 0;
        if (owner >= 0) close(owner);
        if (!entered) return refuse(config, kNames[1], errno);
    }
    for (int i = 0; i < kCount; ++i) {
        if (ns[i] < 0 || is_ours(ns[i], our_ns, kNames[i])) continue;  // e.g. the user one
        if ((i == 1 ? enter_user(ns[i], host_root) : setns(ns[i], 0)) < 0)
            return refuse(config, kNames[i], errno);
        if (i == 2 && chroot_at(root) < 0) return refuse(config, kNames[2], errno);
    }
    // The target's working directory, in its mount namespace or in ours; --chdir instead.
    if (syscall(SYS_fchdir, cwd) < 0) return refuse(config, nullptr, errno);
    for (int fd : ns)
        if (fd >= 0) close(fd);
    for (int fd : {proc, their_ns, our_ns, root, cwd}) close(fd);
    if (config.chdir && chdir(config.chdir) < 0) {
        log::say(log::kError, "--chdir %s: %m", config.chdir);
        return kExitOwnFailure;
    }
    return 0;
}

}  // namespace pinit::join
