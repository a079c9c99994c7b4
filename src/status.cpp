#include "status.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include "fd.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit::status {

namespace {

// bwrap's order and names; it leaves out the user namespace, and so does pinit.
constexpr struct {
    int flag;
    char name[7];  // in place: no pointer table
} kNamespaces[] = {{CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWIPC, "ipc"}, {CLONE_NEWNS, "mnt"},
                   {CLONE_NEWNET, "net"},       {CLONE_NEWPID, "pid"}, {CLONE_NEWUTS, "uts"}};

// { "KEY": VALUE[, "NAME-namespace": INODE]... }, the namespaces those of process VALUE.
void write_line(int fd, const char* key, long value, int namespaces) {
    Text line;
    line.put("{ \"").put(key).put("\": ").put(value);
    Text dir;
    dir.put("/proc/").put(value).put("/ns");
    Fd ns(namespaces ? sys::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC) : -1);
    for (const auto& kind : kNamespaces) {
        sys::FileId id;
        if ((namespaces & kind.flag) && sys::file_id(ns.get(), kind.name, 0, id))
            line.put(", \"").put(kind.name).put("-namespace\": ").put(static_cast<long>(id.ino));
    }
    line.put(" }\n");
    (void)!write(fd, line.c_str(), static_cast<size_t>(line.size()));  // EPIPE, EAGAIN: dropped
}

}  // namespace

bool claim(int fd) {
    return syscall(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC) == 0 &&
           syscall(SYS_fcntl, fd, F_SETFL, O_NONBLOCK) == 0;
}

void started(int fd, pid_t child, int namespaces) {
    write_line(fd, "child-pid", child, namespaces);
}

void exited(int fd, int code) {
    write_line(fd, "exit-code", code, 0);
}

}  // namespace pinit::status
