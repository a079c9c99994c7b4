#include "pidfile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "errtext.hpp"
#include "log.hpp"
#include "sys.hpp"
#include "text.hpp"

namespace pinit {

const char* PidFile::open(const char* path) {
    const char* slash = find_last(path, '/');
    name_ = slash ? slash + 1 : path;
    char dir[PATH_MAX] = ".";
    size_t dir_len = slash == path ? 1 : static_cast<size_t>(slash - path);  // "/x": "/"
    if (slash != nullptr && dir_len < sizeof dir) {
        __builtin_memcpy(dir, path, dir_len);
        dir[dir_len] = '\0';
    }
    if (*name_ == '\0') return errno_text(EINVAL);
    if (__builtin_strlen(name_) > NAME_MAX || (slash != nullptr && dir_len >= sizeof dir))
        return errno_text(ENAMETOOLONG);
    dir_.reset(sys::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_.ok()) return errno_text(errno);
    sys::FileId there;
    if (sys::file_id(dir_.get(), name_, AT_SYMLINK_NOFOLLOW, there) && !S_ISREG(there.mode) &&
        !S_ISLNK(there.mode))
        return "not a regular file";
    return nullptr;
}

void PidFile::write(pid_t pid) {
    Text temp;
    temp.put(".pinit-").put(static_cast<long>(getpid())).put(".tmp");  // short: any name fits
    constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    Fd file(sys::openat(dir_.get(), temp.c_str(), kFlags, 0644));
    if (!file.ok() && errno == EEXIST && unlinkat(dir_.get(), temp.c_str(), 0) == 0)
        file.reset(sys::openat(dir_.get(), temp.c_str(), kFlags, 0644));  // a dead pinit's
    Text text;
    text.put(static_cast<long>(pid)).end_line();
    sys::FileId written;
    bool ok = file.ok() &&
              log::write_all(file.get(), {text.c_str(), static_cast<size_t>(text.size())}) &&
              sys::file_id(file.get(), "", AT_EMPTY_PATH, written) &&
              sys::renameat(dir_.get(), temp.c_str(), dir_.get(), name_) == 0;
    if (!ok) {
        log::say(log::kWarn, "write pid file %s: %m", name_);
        if (file.ok()) (void)unlinkat(dir_.get(), temp.c_str(), 0);
        return;
    }
    written_ = written;
}

void PidFile::remove() {
    sys::FileId there;
    if (written_.ino != 0 && sys::file_id(dir_.get(), name_, AT_SYMLINK_NOFOLLOW, there) &&
        there == written_)
        (void)unlinkat(dir_.get(), name_, 0);
}

}  // namespace pinit
