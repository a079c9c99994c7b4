// The environment lookup shared by the parser and the PATH search (pure: no syscalls).
#pragma once

namespace pinit {

// The slot of variable name in envp ("NAME=value"), or nullptr; envp and name may be nullptr.
inline char* const* find_env_entry(char* const* envp, const char* name) {
    if (envp == nullptr || name == nullptr) return nullptr;
    for (; *envp != nullptr; ++envp) {
        const char* entry = *envp;
        const char* n = name;
        while (*n != '\0' && *entry == *n) ++entry, ++n;
        if (*n == '\0' && *entry == '=') return envp;
    }
    return nullptr;
}

// The value of variable name in envp, or nullptr.
inline const char* find_env(char* const* envp, const char* name) {
    char* const* entry = find_env_entry(envp, name);
    return entry ? *entry + __builtin_strlen(name) + 1 : nullptr;
}

}  // namespace pinit
