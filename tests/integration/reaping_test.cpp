// Zombies never pile up, as PID 1 of a namespace and as a subreaper.
#include <gtest/gtest.h>

#include "harness.hpp"

using harness::pinit;
using harness::run;

namespace {

constexpr int kStormMs = 60000;

// Until --new-ns exists the namespace comes from unshare(1): pinit is its PID 1.
TEST(Reaping, OrphanStormAsPid1LeavesNoZombies) {
    auto result = run({"/usr/bin/unshare", "--fork", "--pid", "--mount-proc", pinit(), "--",
                       harness::helper("orphanstorm"), "2000"},
                      {}, kStormMs);
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    EXPECT_EQ(result.out, "zombies: 0\n");
}

TEST(Reaping, OrphanStormAsSubreaperLeavesNoZombies) {
    auto result = run({pinit(), "--", harness::helper("orphanstorm"), "2000"}, {}, kStormMs);
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    EXPECT_EQ(result.out, "zombies: 0\n");
}

using WarnReap = harness::BothModes;
PINIT_BOTH_MODES(WarnReap);

TEST_P(WarnReap, NamesEachReapedOrphanInTinisWords) {
    auto result =
        run(pinit_argv({"-w", "--", "sh", "-c", "sh -c 'true' & exec sleep 0.2"}), {}, 30000);
    EXPECT_EQ(result.code, 0);
    // tini's words after pinit's prefix, so log filters written for tini -w carry over.
    EXPECT_NE(result.err.find("pinit: Reaped zombie process with pid="), std::string::npos)
        << result.err;
}

TEST(Reaping, CallerIgnoringSigchldStillGetsTheExitCode) {
    harness::Options options;
    options.in_child = [] { signal(SIGCHLD, SIG_IGN); };
    EXPECT_EQ(run({pinit(), "sh", "-c", "exit 42"}, options).code, 42);
}

}  // namespace
