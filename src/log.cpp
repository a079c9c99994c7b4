#include "log.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>

#include "errtext.hpp"
#include "text.hpp"

namespace pinit::log {

namespace {

// The one piece of process-wide state in the logger: set once from the Config.
int g_verbosity = kWarn;

}  // namespace

void set_verbosity(int verbosity) {
    g_verbosity = verbosity;
}

// No floating-point argument ever reaches the format: general registers only, so the prologue
// does not spill the eight SSE argument registers for va_arg.
[[gnu::target("general-regs-only")]] void say(Level level, const char* format, ...) {
    if (level > g_verbosity) return;
    int saved_errno = errno;
    Text line;
    line.put("pinit: ");
    va_list args;
    va_start(args, format);
    for (const char* f = format; *f != '\0'; ++f) {
        if (*f != '%' || f[1] == '\0') {
            line.put(*f);
            continue;
        }
        switch (*++f) {
        case 's': line.put(va_arg(args, const char*)); break;
        case 'd': line.put(static_cast<long>(va_arg(args, int))); break;
        case 'm': line.put(errno_text(saved_errno)); break;
        default: line.put('%'); break;  // "%%"; the compiler rejects any other conversion
        }
    }
    va_end(args);
    line.end_line();
    (void)write_all(STDERR_FILENO, {line.c_str(), static_cast<size_t>(line.size())});
    errno = saved_errno;
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
