#include "log.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace pinit::log {

namespace {
// The one piece of process-wide state in the logger: set once from the Config.
int g_verbosity = static_cast<int>(Level::warn);
}  // namespace

void set_verbosity(int verbosity) { g_verbosity = verbosity; }

bool enabled(Level level) { return static_cast<int>(level) <= g_verbosity; }

Line::Line(Level level) : on_(enabled(level)), saved_errno_(errno) { *this << "pinit: "; }

Line::~Line() {
    if (on_) {
        buf_[len_++] = '\n';  // operator<< always leaves room for it
        (void)write_all(STDERR_FILENO, {buf_, static_cast<size_t>(len_)});
    }
    errno = saved_errno_;
}

Line& Line::operator<<(std::string_view text) {
    if (!on_) return *this;
    size_t room = kCapacity - 1 - len_;
    size_t n = text.size() < room ? text.size() : room;
    std::memcpy(buf_ + len_, text.data(), n);
    len_ += static_cast<int>(n);
    return *this;
}

Line& Line::operator<<(long value) {
    char digits[24];
    int i = sizeof digits;
    unsigned long magnitude = value < 0 ? 0UL - static_cast<unsigned long>(value) : value;
    do {
        digits[--i] = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0) digits[--i] = '-';
    return *this << std::string_view(digits + i, sizeof digits - i);
}

std::string_view errno_text(int err) { return std::strerror(err); }

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace pinit::log
