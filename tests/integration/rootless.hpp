// The root/rootless matrix of the --new-ns tests (STYLE.md): each case as root and as nobody.
#pragma once

#include <grp.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace harness {

inline constexpr uid_t kNobody = 65534;

// For Options::in_child: the caller becomes nobody (exit 124 if it cannot).
inline void become_nobody() {
    if (setgroups(0, nullptr) < 0 || setresgid(kNobody, kNobody, kNobody) < 0 ||
        setresuid(kNobody, kNobody, kNobody) < 0)
        _exit(124);
}

class RootAndRootless : public ::testing::TestWithParam<bool> {
protected:
    bool rootless() const { return GetParam(); }
    // Runs in the forked child: joins cgroup (if any), then drops to nobody when rootless.
    std::function<void()> caller(const harness::PidsCgroup* cgroup = nullptr) const {
        std::function<void()> join = cgroup ? cgroup->join() : nullptr;
        bool drop = rootless();
        return [join, drop] {
            if (join) join();
            if (drop) become_nobody();
        };
    }
    // With a PATH that nobody can search (the test runner's may hold /root/...): execvp
    // reports EACCES for a directory it cannot enter, so a missing command would give 126.
    harness::Result run_new_ns(harness::Argv args, const harness::PidsCgroup* cgroup = nullptr) {
        args.insert(args.begin(), pinit());
        return run(args,
                   {.env = std::vector<std::string>{"PATH=/usr/local/bin:/usr/bin:/bin"},
                    .in_child = caller(cgroup)},
                   60000);
    }
};

inline std::string root_or_rootless(const ::testing::TestParamInfo<bool>& info) {
    return info.param ? "Rootless" : "Root";
}

}  // namespace harness
