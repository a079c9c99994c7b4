// --root as a container real programs run in: a fresh /dev, volumes, tmpfs, a read-only root,
// the working directory; paths resolved inside the root, never out of it; as root and rootless.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "rootless.hpp"

using harness::helper;
using harness::run;

namespace {

// The host's mount table without what the container engines of the concurrent Docker and
// podman tests mount meanwhile (their netns files, overlays and shm).
std::string own_mounts() {
    std::istringstream table(harness::read_file("/proc/self/mountinfo"));
    std::string out;
    for (std::string line; std::getline(table, line);)
        if (line.find(" /run/netns/") == std::string::npos &&
            line.find(" /run/docker/") == std::string::npos &&
            line.find(" /var/lib/containers/") == std::string::npos &&
            line.find(" /var/lib/docker/") == std::string::npos)
            out += line + '\n';
    return out;
}

namespace fs = std::filesystem;

class Rootfs : public harness::RootAndRootless {
protected:
    // A busybox-static tree, with ptyprobe, owned by the user who runs pinit.
    void SetUp() override {
        if (access("/bin/busybox", X_OK) != 0) GTEST_SKIP() << "busybox-static not installed";
        chmod(root.path().c_str(), 0755);
        chmod(host.path().c_str(), 0777);
        fs::create_directories(root / "bin");
        fs::copy_file("/bin/busybox", root / "bin/busybox");
        fs::copy_file(helper("ptyprobe"), root / "bin/ptyprobe");
        for (const char* tool : {"sh", "ls", "cat", "echo", "head", "wc", "touch", "pwd", "stat"})
            fs::create_symlink("busybox", root / ("bin/" + std::string(tool)));
        if (rootless()) chown_tree(root.path());
    }
    static void chown_tree(const std::string& path) {
        (void)lchown(path.c_str(), harness::kNobody, harness::kNobody);
        for (const auto& entry : fs::recursive_directory_iterator(path))
            (void)lchown(entry.path().c_str(), harness::kNobody, harness::kNobody);
    }
    harness::Result in_root(harness::Argv options, const std::string& script) {
        harness::Argv argv = {"--new-ns", "--root", root.path()};
        argv.insert(argv.end(), options.begin(), options.end());
        argv.insert(argv.end(), {"--", "/bin/sh", "-c", script});
        return run_new_ns(argv);
    }
    harness::TempDir root, host;  // the rootfs, and a host directory to share
};

INSTANTIATE_TEST_SUITE_P(RootAndRootless, Rootfs, ::testing::Values(false, true),
                         harness::root_or_rootless);

TEST_P(Rootfs, DevHasWorkingNodesAndNothingLandsInTheRootfs) {
    auto result = in_root({}, "echo x > /dev/null && head -c 16 /dev/urandom | wc -c && ls /dev");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out,
              "16\ncore\nfd\nfull\nnull\nptmx\npts\nrandom\nshm\nstderr\nstdin\nstdout\ntty\n"
              "urandom\nzero\n");
    EXPECT_TRUE(fs::is_empty(root / "dev")) << "the rootfs's own dev got files";
}

TEST_P(Rootfs, APtyWorksInside) {
    auto result = in_root({}, "ptyprobe");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "pty ok pts\n");
}

TEST_P(Rootfs, NoDevKeepsTheRootfsOwnDev) {
    fs::create_directories(root / "dev");
    std::ofstream(root / "dev/marker") << "";
    if (rootless()) chown_tree(root.path());
    auto result = in_root({"--no-dev"}, "ls /dev");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "marker\n");
}

TEST_P(Rootfs, BindsWriteThroughAndReadOnlyBindsRefuseWrites) {
    std::ofstream(host / "shared") << "from host\n";
    chmod((host / "shared").c_str(), 0666);
    auto result = in_root({"--bind", host.path() + ":/data", "--ro-bind", host / "shared"},
                          "echo inside > /data/written && cat " + host / "shared" +
                              " && { echo no > " + host / "shared" + " || echo refused; }");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "from host\nrefused\n");
    EXPECT_EQ(harness::read_file(host / "written"), "inside\n");
    EXPECT_EQ(harness::read_file(host / "shared"), "from host\n");
}

TEST_P(Rootfs, ReadOnlyRootKeepsTmpfsAndBindsWritable) {
    auto result = in_root({"--read-only", "--tmpfs", "/scratch", "--bind", host.path() + ":/data"},
                          "{ touch /file || echo root-ro; } && touch /scratch/a /data/b && "
                          "ls /scratch");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "root-ro\na\n");
    EXPECT_TRUE(fs::exists(host / "b"));
}

TEST_P(Rootfs, ChdirSetsTheWorkingDirectoryAndRootDefaultsToSlash) {
    EXPECT_EQ(in_root({}, "pwd").out, "/\n");
    auto result = in_root({"--bind", host.path() + ":/data", "--chdir", "/data"}, "pwd");
    EXPECT_EQ(result.out, "/data\n") << result.err;
}

// A hostile rootfs: proc and a mount point's parent are symlinks to host directories (one
// absolute, one through ".."). They are resolved inside the root, where the same paths exist:
// everything lands there, and the host directories stay empty and unmounted.
TEST_P(Rootfs, SymlinksInTheRootfsAreResolvedInsideIt) {
    harness::TempDir victim;
    for (const char* dir : {"proc", "mnt"}) {
        fs::create_directories(victim / dir);
        fs::create_directories(root.path() + victim / dir);  // the same path, inside the root
    }
    fs::create_symlink("../../../../../../.." + victim / "proc", root / "proc");
    fs::create_symlink(victim / "mnt", root / "mnt");
    if (rootless()) chown_tree(root.path());
    std::string before = own_mounts();
    auto result = in_root({"--tmpfs", "/mnt/x"}, "cat /proc/1/comm && touch /mnt/x/y && ls /mnt");
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "pinit\nx\n");
    for (const char* dir : {"proc", "mnt"})
        EXPECT_TRUE(fs::is_empty(victim / dir)) << victim / dir << " was touched";
    EXPECT_EQ(own_mounts(), before);
}

// A symlink whose target does not exist inside the root is refused, not followed out of it.
TEST_P(Rootfs, ASymlinkOutOfTheRootfsIsRefused) {
    harness::TempDir victim;
    fs::create_symlink(victim.path(), root / "dev");
    if (rootless()) chown_tree(root.path());
    std::string before = own_mounts();
    auto result = in_root({}, "true");
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: make /dev: File exists\n");
    EXPECT_TRUE(fs::is_empty(victim.path()));
    EXPECT_EQ(own_mounts(), before);
}

TEST_P(Rootfs, AFailedMountNamesTheOptionAndLeavesNothingMounted) {
    std::string before = own_mounts();
    auto result = in_root({"--bind", "/nonexistent-pinit-src"}, "true");
    EXPECT_EQ(result.code, 125);
    EXPECT_EQ(result.err, "pinit: --bind /nonexistent-pinit-src: No such file or directory\n");
    EXPECT_EQ(own_mounts(), before);
}

TEST(RootfsOptions, BadMountSyntaxIsAUsageError) {
    for (const char* arg : {"--bind=:/x", "--bind=/etc:", "--ro-bind=/etc:rel", "--tmpfs=rel"}) {
        auto result = run({harness::pinit(), arg, "true"});
        EXPECT_EQ(result.code, 125) << arg;
        EXPECT_NE(result.err.find("Try 'pinit --help'."), std::string::npos) << result.err;
    }
    EXPECT_EQ(run({harness::pinit(), "--bind"}).code, 125);
}

// Without --root the volumes land in the inherited tree, visible only inside.
TEST(RootfsOptions, MountOptionsImplyNewNsAndStayInside) {
    std::string before = own_mounts();
    auto result = run({harness::pinit(), "--tmpfs", "/mnt", "--", "sh", "-c",
                       "touch /mnt/pinit-test && ls /mnt && cat /proc/1/comm"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "pinit-test\npinit\n");
    EXPECT_FALSE(fs::exists("/mnt/pinit-test"));
    EXPECT_EQ(own_mounts(), before);
}

}  // namespace
