// stderr logger: one write(2) per line, "pinit: " prefix, no stdio (DESIGN.md §6).
//
//     log::warn() << "forward " << sig << ": " << log::errno_text(err);
//
// The line is written when the temporary is destroyed, at the end of the statement.
#pragma once

#include <string_view>

namespace pinit::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3, trace = 4 };

// 0 = errors only, 1 = warnings (default), 2 = info (-v), 3 = debug (-vv), 4 = trace (-vvv).
void set_verbosity(int verbosity);
bool enabled(Level level);

class Line {
public:
    explicit Line(Level level);
    ~Line();
    Line(const Line&) = delete;
    Line& operator=(const Line&) = delete;

    Line& operator<<(std::string_view text);
    Line& operator<<(const char* text) { return *this << std::string_view(text ? text : "(null)"); }
    Line& operator<<(long value);
    Line& operator<<(int value) { return *this << static_cast<long>(value); }
    Line& operator<<(unsigned value) { return *this << static_cast<long>(value); }

private:
    static constexpr int kCapacity = 512;
    char buf_[kCapacity];
    int len_ = 0;
    bool on_;
    int saved_errno_;
};

inline Line error() { return Line(Level::error); }
inline Line warn() { return Line(Level::warn); }
inline Line info() { return Line(Level::info); }
inline Line debug() { return Line(Level::debug); }
inline Line trace() { return Line(Level::trace); }

std::string_view errno_text(int err);

// Writes all of text to fd (used for --help and --version on stdout); false on failure.
bool write_all(int fd, std::string_view text);

}  // namespace pinit::log
