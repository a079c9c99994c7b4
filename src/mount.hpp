// One --bind, --ro-bind or --tmpfs of the sandbox, as parsed: what the parser makes and the
// namespace setup mounts (pure data).
#pragma once

#include <cstdint>

namespace pinit {

struct Mount {
    enum class Kind : std::uint8_t { bind, ro_bind, tmpfs };
    Kind kind;
    const char* arg;  // the option's argument as given, for messages
    int src_len;      // SRC is arg[0, src_len); none for tmpfs
    const char* dst;  // absolute, inside the sandbox (points into arg)
};

inline constexpr int kMaxMounts = 32;

// "--bind" and the others, for messages.
constexpr const char* option_of(Mount::Kind kind) {
    return kind == Mount::Kind::bind      ? "--bind"
           : kind == Mount::Kind::ro_bind ? "--ro-bind"
                                          : "--tmpfs";
}

}  // namespace pinit
