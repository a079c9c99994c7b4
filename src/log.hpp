// stderr logger: one write(2) per line, "pinit: " prefix, no stdio (DESIGN.md §6).
//
//     log::say(log::kWarn, "forward %s to %d: %m", name, pid);
//
// The format knows %s, %d, %m (errno's text, as in glibc and catatonit) and %%; the compiler
// checks the arguments against it.
#pragma once

#include <string_view>

namespace pinit::log {

enum Level { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kTrace = 4 };

// 0 = errors only, 1 = warnings (default), 2 = info (-v), 3 = debug (-vv), 4 = trace (-vvv).
void set_verbosity(int verbosity);

[[gnu::format(printf, 2, 3)]] void say(Level level, const char* format, ...);

// Writes all of text to fd (used for --help and --version on stdout); false on failure.
bool write_all(int fd, std::string_view text);

}  // namespace pinit::log
