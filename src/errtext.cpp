#include "errtext.hpp"

#include <array>
#include <cerrno>
#include <string_view>

#include "text.hpp"

namespace pinit {

namespace {

struct Entry {
    int err;
    const char* text;
};

// What pinit reports: exec, clone and the namespace setup, the pid file, fds, vfork, --join.
constexpr Entry kEntries[] = {
    {EPERM, "Operation not permitted"},
    {ESRCH, "No such process"},
    {EEXIST, "File exists"},
    {ENOENT, "No such file or directory"},
    {EIO, "Input/output error"},
    {EBADF, "Bad file descriptor"},
    {E2BIG, "Argument list too long"},
    {ENOEXEC, "Exec format error"},
    {EAGAIN, "Resource temporarily unavailable"},
    {ENOMEM, "Cannot allocate memory"},
    {EACCES, "Permission denied"},
    {EBUSY, "Device or resource busy"},
    {ENODEV, "No such device"},
    {ENOTDIR, "Not a directory"},
    {EISDIR, "Is a directory"},
    {EINVAL, "Invalid argument"},
    {ENFILE, "Too many open files in system"},
    {EMFILE, "Too many open files"},
    {ETXTBSY, "Text file busy"},
    {ENOSPC, "No space left on device"},
    {EROFS, "Read-only file system"},
    {ENAMETOOLONG, "File name too long"},
    {ENOSYS, "Function not implemented"},
    {ELOOP, "Too many levels of symbolic links"},
    {EUSERS, "Too many users"},
    {EDQUOT, "Disk quota exceeded"},
};

constexpr int packed_size() {
    int size = 1;  // the final 0
    for (const Entry& entry : kEntries)
        size += 2 + static_cast<int>(std::string_view(entry.text).size());
    return size;
}

// Built at compile time: "<errno byte>text\0" per entry and a final 0, with no pointers.
constexpr auto pack() {
    std::array<char, packed_size()> out{};
    int n = 0;
    for (const Entry& entry : kEntries) {
        out[n++] = static_cast<char>(entry.err);
        for (const char* c = entry.text; *c != '\0'; ++c) out[n++] = *c;
        out[n++] = '\0';
    }
    return out;
}

constexpr bool errnos_fit_a_byte() {
    for (const Entry& entry : kEntries)
        if (entry.err < 1 || entry.err > 127) return false;
    return true;
}
static_assert(errnos_fit_a_byte());

constexpr auto kPacked = pack();

}  // namespace

const char* errno_text(int err) {
    for (const char* p = kPacked.data(); *p != '\0'; p += __builtin_strlen(p) + 1)
        if (*p == err) return p + 1;
    static Text unknown;
    unknown = Text();
    return unknown.put("error ").put(static_cast<long>(err)).c_str();
}

}  // namespace pinit
