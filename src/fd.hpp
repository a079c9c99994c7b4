// pinit's one owned file descriptor type, and the process-wide fd rules: pinit's own fds never
// take the numbers 0-2, and once the command runs pinit holds no fd it merely inherited.
#pragma once

#include <unistd.h>

#include <initializer_list>

namespace pinit {

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) : fd_(other.release()) {}
    Fd& operator=(Fd&& other) {
        reset(other.release());
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    bool ok() const { return fd_ >= 0; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (fd_ >= 0) close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

namespace fds {

// Started with 0, 1 or 2 closed, pinit would get them for its signalfd or socket, and a log line
// for stderr would land there. Each closed one gets /dev/null, close-on-exec: pinit's own fds
// then never take these numbers, and the command still finds them closed, as pinit got them.
void reserve_standard();

// Closes every fd from 3 up but those in keep (-1 entries are ignored): a readiness pipe or a
// lock the command closes must not stay open in pinit (catatonit's close_fds_ge_than).
void close_all_except(std::initializer_list<int> keep);

}  // namespace fds

}  // namespace pinit
