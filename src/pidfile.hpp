// --pid-file, written as a careful daemon does: the directory is opened once, the pid goes into
// a new file there (O_CREAT|O_EXCL|O_NOFOLLOW) that is renamed into place, and at exit the name
// is removed only if it still points to that file. Whatever was at the path (a planted symlink,
// a FIFO, another user's file) is never opened, so nothing can be followed, truncated or block.
#pragma once

#include <sys/types.h>

#include "fd.hpp"
#include "sys.hpp"

namespace pinit {

class PidFile {
public:
    // Before anything starts: opens path's directory and refuses a path that holds something
    // other than a regular file or a symlink. Returns why it refused, or nullptr.
    const char* open(const char* path);
    void write(pid_t pid);  // warns on failure: the command runs on without the file
    void remove();          // only if the name still points to the file write() made
    int dir_fd() const { return dir_.get(); }

private:
    Fd dir_;
    const char* name_ = nullptr;  // in path, after the last '/'
    sys::FileId written_ = {};    // ino 0 until write() made the file
};

}  // namespace pinit
