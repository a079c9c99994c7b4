#include "log.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>

namespace pinit::log {

namespace {

// The one piece of process-wide state in the logger: set once from the Config.
int g_verbosity = kWarn;

class LineBuffer {
public:
    void put(const char* text) {
        while (*text != '\0' && len_ < kCapacity - 1) buf_[len_++] = *text++;
    }
    void put_number(long value) {
        char digits[24];
        int i = sizeof digits;
        digits[--i] = '\0';
        unsigned long magnitude = value < 0 ? 0UL - static_cast<unsigned long>(value) : value;
        do digits[--i] = static_cast<char>('0' + magnitude % 10);
        while ((magnitude /= 10) != 0);
        if (value < 0) digits[--i] = '-';
        put(digits + i);
    }
    void finish(int fd) {
        buf_[len_++] = '\n';  // put() always leaves room for it
        (void)write_all(fd, {buf_, static_cast<size_t>(len_)});
    }

private:
    static constexpr int kCapacity = 512;
    char buf_[kCapacity];
    int len_ = 0;
};

}  // namespace

void set_verbosity(int verbosity) {
    g_verbosity = verbosity;
}

void say(Level level, const char* format, ...) {
    if (level > g_verbosity) return;
    int saved_errno = errno;
    LineBuffer line;
    line.put("pinit: ");
    va_list args;
    va_start(args, format);
    for (const char* f = format; *f != '\0'; ++f) {
        char piece[2] = {*f, '\0'};
        if (*f != '%' || f[1] == '\0') {
            line.put(piece);
            continue;
        }
        switch (*++f) {
            case 's': line.put(va_arg(args, const char*)); break;
            case 'd': line.put_number(va_arg(args, int)); break;
            case 'm': line.put(errno_text(saved_errno)); break;
            default: line.put("%"); break;  // "%%"; the compiler rejects any other conversion
        }
    }
    va_end(args);
    line.finish(STDERR_FILENO);
    errno = saved_errno;
}

const char* errno_text(int err) {
    return std::strerror(err);
}

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
