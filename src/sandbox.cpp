#include "sandbox.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>

#include "fd.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit::namespaces {

namespace {

// The new mount API and openat2 by hand (musl 1.2.3 has no wrappers): Linux 5.12.
constexpr unsigned kOpenTreeClone = 1;                   // OPEN_TREE_CLONE
constexpr unsigned kAtRecursive = 0x8000;                // AT_RECURSIVE
constexpr unsigned kMoveFromFd = 0x4, kMoveToFd = 0x40;  // MOVE_MOUNT_[FT]_EMPTY_PATH
constexpr std::uint64_t kMountReadOnly = 0x1;            // MOUNT_ATTR_RDONLY
constexpr std::uint64_t kResolveInRoot = 0x10;           // RESOLVE_IN_ROOT
constexpr std::uint64_t kNoMagicLinks = 0x02;            // RESOLVE_NO_MAGICLINKS

int make_read_only(int dir, const char* path, unsigned flags) {
    std::uint64_t attr[4] = {kMountReadOnly, 0, 0, 0};  // struct mount_attr: attr_set first
    return static_cast<int>(syscall(SYS_mount_setattr, dir, path, flags, attr, sizeof attr));
}

// path (absolute, as the sandbox sees it) below root, every component resolved inside root: a
// symlink to "/x" or "../.." in a hostile rootfs stays in it. With --root, root is AT_FDCWD:
// bind_root made DIR the working directory, and RESOLVE_IN_ROOT takes that as the root.
int open_beneath(int root, const char* path) {
    std::uint64_t how[3] = {O_PATH | O_CLOEXEC, 0, kResolveInRoot | kNoMagicLinks};
    return static_cast<int>(syscall(SYS_openat2, root, path, how, sizeof how));
}

// Opens path below root as an O_PATH fd, creating what is missing: directories on the way, and
// at the end a directory or, with make_file, an empty file (the mount point of a file bind).
int open_creating(int root, const char* path, bool make_file) {
    int existing = open_beneath(root, path);
    if (existing >= 0 || errno != ENOENT) return existing;
    char prefix[PATH_MAX];
    size_t len = __builtin_strlen(path);
    if (len >= sizeof prefix) return errno = ENAMETOOLONG, -1;
    __builtin_memcpy(prefix, path, len + 1);
    Fd parent(open_beneath(root, "/"));
    for (size_t end = 1; parent.ok() && end <= len; ++end) {
        if (end < len && prefix[end] != '/') continue;
        size_t start = end;
        while (start > 0 && prefix[start - 1] != '/') --start;
        if (start == end) continue;  // "//"
        char saved = prefix[end];
        prefix[end] = '\0';
        int fd = open_beneath(root, prefix);
        if (fd < 0 && errno == ENOENT) {
            bool file = make_file && end == len;
            int made = file
                           ? sys::openat(parent.get(), prefix + start,
                                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)
                           : mkdirat(parent.get(), prefix + start, 0755);
            if (made < 0) return -1;  // EEXIST for a dangling symlink: refused, not followed
            if (file) close(made);
            fd = open_beneath(root, prefix);
        }
        parent.reset(fd);
        prefix[end] = saved;
    }
    return parent.release();
}

// A bind of host path src onto the fd of its mount point: a clone of the tree, made read-only
// before it is attached (mount_setattr keeps whatever flags the kernel locked on the source).
int bind_onto(const char* src, int target, bool read_only) {
    Fd tree(static_cast<int>(
        syscall(SYS_open_tree, AT_FDCWD, src, kOpenTreeClone | O_CLOEXEC | kAtRecursive)));
    if (!tree.ok() ||
        (read_only && make_read_only(tree.get(), "", AT_EMPTY_PATH | kAtRecursive) < 0))
        return -1;
    return static_cast<int>(
        syscall(SYS_move_mount, tree.get(), "", target, "", kMoveFromFd | kMoveToFd));
}

// mount(2) onto an fd, or onto name in the directory of that fd: through its /proc/self/fd
// link (the fd was resolved safely already). type is the source too (a bind's host path).
int mount_onto(int target, const char* type, unsigned long flags, const char* options,
               const char* name = nullptr) {
    Text link;
    link.put("/proc/self/fd/").put(static_cast<long>(target));
    if (name != nullptr) link.put('/').put(name);
    return mount(type, link.c_str(), type, flags, options);
}

// With --root a missing mount point is made inside it; without, DST must exist (pinit makes
// nothing in the host's tree).
int mount_volume(int root, const Mount& volume, bool create) {
    char src[PATH_MAX];
    if (volume.src_len >= PATH_MAX) return errno = ENAMETOOLONG, -1;
    __builtin_memcpy(src, volume.arg, static_cast<size_t>(volume.src_len));
    src[volume.src_len] = '\0';
    sys::FileId source = {};
    bool is_tmpfs = volume.kind == Mount::Kind::tmpfs;
    if (!is_tmpfs && !sys::file_id(AT_FDCWD, src, 0, source)) return -1;
    Fd target(create ? open_creating(root, volume.dst, !is_tmpfs && !S_ISDIR(source.mode))
                     : open_beneath(root, volume.dst));
    if (!target.ok()) return -1;
    if (is_tmpfs) return mount_onto(target.get(), "tmpfs", MS_NOSUID | MS_NODEV, nullptr);
    return bind_onto(src, target.get(), volume.kind == Mount::Kind::ro_bind);
}

// /dev: the host's nodes bound in (mknod is refused in a user namespace; binds are not).
constexpr char kDevices[][8] = {"null", "zero", "full", "random", "urandom", "tty"};
constexpr char kDevLinks[][2][16] = {{"ptmx", "pts/ptmx"},          {"fd", "/proc/self/fd"},
                                     {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
                                     {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"}};

// dev is pinit's own new tmpfs: names in it are mounted onto by path below its fd.
int fill_dev(int dev, bool gid5_is_mapped) {
    for (const char* name : kDevices) {
        Text host;
        host.put("/dev/").put(name);
        Fd node(sys::openat(dev, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
        if (!node.ok() || mount_onto(node.get(), host.c_str(), MS_BIND, nullptr) < 0) return -1;
    }
    for (const auto& link : kDevLinks)
        if (symlinkat(link[1], dev, link[0]) < 0) return -1;
    if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0) return -1;
    // The tty group owns the slaves where gid 5 means something: not in a user namespace.
    const char* pts_options = gid5_is_mapped ? "newinstance,ptmxmode=0666,mode=0620,gid=5"
                                             : "newinstance,ptmxmode=0666,mode=0620";
    if (mount_onto(dev, "devpts", MS_NOSUID | MS_NOEXEC, pts_options, "pts") < 0) return -1;
    return mount_onto(dev, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", "shm");
}

}  // namespace

int make_dev(const Plan& plan) {
    if (plan.root == nullptr || !plan.make_dev) return 0;
    Fd dir(open_creating(AT_FDCWD, "/dev", false));
    if (!dir.ok() || mount_onto(dir.get(), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
        return -1;
    Fd dev(open_beneath(AT_FDCWD, "/dev"));  // the tmpfs now, not the directory under it
    return dev.ok() ? fill_dev(dev.get(), !(plan.flags & CLONE_NEWUSER)) : -1;
}

int mount_volumes(const Plan& plan) {
    if (plan.mount_count == 0) return 0;  // no open of the root on the plain launch path
    Fd host_root(plan.root ? -1 : sys::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    int root = plan.root ? AT_FDCWD : host_root.get();
    for (plan.failed_volume = 0; plan.failed_volume < plan.mount_count; ++plan.failed_volume)
        if (root == -1 ||
            mount_volume(root, plan.mounts[plan.failed_volume], plan.root != nullptr) < 0)
            return -1;
    plan.failed_volume = -1;
    return 0;
}

// Into the new root before the old one is detached: in a user namespace the kernel mounts a new
// proc only while a full one is still visible (mount_too_revealing).
int mount_proc_beneath_root(const Plan& plan) {
    constexpr unsigned long kFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (!plan.mount_proc) return 0;
    if (plan.root == nullptr) return mount("proc", "/proc", "proc", kFlags, nullptr);
    Fd target(open_creating(AT_FDCWD, "/proc", false));
    return target.ok() ? mount_onto(target.get(), "proc", kFlags, nullptr) : -1;
}

int make_root_read_only(const Plan& plan) {
    if (!plan.read_only) return 0;
    return make_read_only(AT_FDCWD, "/", 0);
}

int enter_workdir(const Plan& plan) {
    return plan.chdir ? chdir(plan.chdir) : 0;
}

}  // namespace pinit::namespaces
