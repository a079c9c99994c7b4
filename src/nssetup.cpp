#include "nssetup.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "fd.hpp"
#include "sandbox.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit::namespaces {

namespace {

// The setup steps, run in the inner PID 1 in the order of kSteps. Each returns what the system
// calls it makes return: -1 with errno on failure; 0 also when it has nothing to do.

int write_file(const char* path, const char* text) {
    Fd file(sys::open(path, O_WRONLY | O_CLOEXEC));  // close(2) of it leaves errno alone
    return file.ok() && write(file.get(), text, __builtin_strlen(text)) >= 0 ? 0 : -1;
}

// Without privilege the caller becomes root inside (--map-user: itself); setgroups must be
// denied before an unprivileged gid_map is accepted (user_namespaces(7)).
int write_id_map(const char* path, long outer, bool map_user) {
    Text map;
    map.put(map_user ? outer : 0L).put(' ').put(outer).put(" 1\n");
    return write_file(path, map.c_str());
}

int deny_setgroups(const Plan& plan) {
    return plan.flags & CLONE_NEWUSER ? write_file("/proc/self/setgroups", "deny") : 0;
}

int map_uid(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWUSER)) return 0;
    return write_id_map("/proc/self/uid_map", plan.outer_uid, plan.map_user);
}

int map_gid(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWUSER)) return 0;
    return write_id_map("/proc/self/gid_map", plan.outer_gid, plan.map_user);
}

// Before anything is mounted, so that no mount below can propagate to the host.
int make_root_private(const Plan&) {
    return mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
}

// --root, first half: DIR bind-mounted onto itself becomes the working directory.
int bind_root(const Plan& plan) {
    const char* dir = plan.root;
    if (dir == nullptr) return 0;
    return mount(dir, dir, nullptr, MS_BIND | MS_REC, nullptr) < 0 ? -1 : chdir(dir);
}

// --root, second half: pivot_root(".", ".") stacks the old root on the new one; detaching it
// leaves only DIR.
int pivot_into_root(const Plan& plan) {
    if (plan.root == nullptr) return 0;
    if (syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0) return -1;
    return chdir("/");
}

// Rootless, the mounts made above could be unmounted from inside, revealing what lies under them
// (the host's /proc under the new one). In a nested user and mount namespace they are locked
// (mount_namespaces(7): copied into a less privileged namespace, they come as one unit), as
// bwrap does for its sandbox. uts, ipc, net and cgroup are made anew inside it, so that root
// there still owns them (hostname, lo and mqueue are set up after this step); the pid namespace
// stays the launcher's child's, so a nested `pinit --new-ns` still mounts its own /proc.
int lock_mounts(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWUSER)) return 0;
    long uid = plan.map_user ? plan.outer_uid : 0, gid = plan.map_user ? plan.outer_gid : 0;
    constexpr int kRemade = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS | (plan.flags & kRemade)) < 0) return -1;
    if (write_id_map("/proc/self/uid_map", uid, true) < 0) return -1;
    return write_id_map("/proc/self/gid_map", gid, true);  // setgroups stays denied (inherited)
}

int set_hostname(const Plan& plan) {
    const char* name = plan.hostname;
    return name ? sethostname(name, __builtin_strlen(name)) : 0;
}

// A new network namespace has only lo, and it is down.
int bring_up_loopback(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWNET)) return 0;
    Fd socket(sys::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket.ok()) return -1;
    ifreq request = {};
    __builtin_memcpy(request.ifr_name, "lo", 3);
    request.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
    return sys::ioctl(socket.get(), SIOCSIFFLAGS, &request);
}

// POSIX message queues of the new ipc namespace, where the system shows them.
int mount_mqueue(const Plan& plan) {
    if (!(plan.flags & CLONE_NEWIPC) || !sys::exists("/dev/mqueue")) return 0;
    return mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
}

// In the order they run. The names (what failed, in the launcher's message) are one string,
// not a pointer per step.
constexpr int (*kSteps[])(const Plan&) = {
    deny_setgroups,  map_uid,
    map_gid,         make_root_private,
    bind_root,       mount_proc_beneath_root,
    make_dev,        mount_volumes,
    pivot_into_root, make_root_read_only,
    lock_mounts,     enter_workdir,
    set_hostname,    bring_up_loopback,
    mount_mqueue,
};
constexpr int kStepCount = sizeof kSteps / sizeof kSteps[0];

constexpr char kStepNames[] =
    "deny setgroups\0write uid_map\0write gid_map\0make / private\0bind --root\0mount /proc\0"
    "make /dev\0volumes\0pivot_root\0--read-only\0lock the mounts\0--chdir\0sethostname\0"
    "bring up lo\0mount /dev/mqueue";

constexpr bool one_name_per_step() {
    int nuls = 0;
    for (char c : kStepNames) nuls += c == '\0';
    return nuls == kStepCount;
}
static_assert(one_name_per_step());

}  // namespace

SetupResult set_up(const Plan& plan) {
    for (int i = 0; i < kStepCount; ++i)
        if (kSteps[i](plan) < 0) return {i, errno, plan.failed_volume};
    return {};
}

const char* step_name(int index) {
    if (index < 0 || index >= kStepCount) return nullptr;
    const char* name = kStepNames;
    while (index-- > 0) name += __builtin_strlen(name) + 1;
    return name;
}

}  // namespace pinit::namespaces
