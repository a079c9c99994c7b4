// RAII owner of a file descriptor.
#pragma once

#include <unistd.h>

namespace pinit {

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) : fd_(other.release()) {}
    Fd& operator=(Fd&& other) {
        if (this != &other) reset(other.release());
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (fd_ >= 0) (void)::close(fd_);  // nothing useful to do if close fails
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

}  // namespace pinit
