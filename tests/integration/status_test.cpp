// --json-status-fd FD: bwrap's status lines, read from a pipe the test holds, in entrypoint mode
// and with --new-ns (root and rootless), compared with bwrap's own lines for the same sandbox.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "rootless.hpp"

using harness::pinit;
using harness::run;

namespace {

namespace fs = std::filesystem;

// A pipe whose write end the child gets as fd 3; read() collects what is there by then.
class StatusPipe {
public:
    StatusPipe() {
        if (pipe2(fds_, O_CLOEXEC) < 0) fds_[0] = fds_[1] = -1;
    }
    ~StatusPipe() {
        for (int fd : fds_)
            if (fd >= 0) close(fd);
    }
    int write_end() const { return fds_[1]; }
    void close_write_end() {
        close(fds_[1]);
        fds_[1] = -1;
    }
    void close_read_end() {
        close(fds_[0]);
        fds_[0] = -1;
    }
    std::string read_all() {  // after the writer has exited: EOF ends it
        close_write_end();
        std::string out;
        char buf[512];
        for (ssize_t n; (n = read(fds_[0], buf, sizeof buf)) > 0;)
            out.append(buf, static_cast<size_t>(n));
        return out;
    }

private:
    int fds_[2];
};

// Each line as key -> number, checking that it is one JSON object of numbers, as bwrap writes.
std::vector<std::map<std::string, long>> parse_lines(const std::string& text) {
    std::vector<std::map<std::string, long>> out;
    std::istringstream lines(text);
    static const std::regex object(R"(\{ ("[a-z-]+": [0-9]+(, "[a-z-]+": [0-9]+)*) \})");
    static const std::regex member(R"x("([a-z-]+)": ([0-9]+))x");
    for (std::string line; std::getline(lines, line);) {
        EXPECT_TRUE(std::regex_match(line, object)) << line;
        std::map<std::string, long> keys;
        for (std::sregex_iterator m(line.begin(), line.end(), member), end; m != end; ++m)
            keys[(*m)[1]] = std::stol((*m)[2]);
        out.push_back(keys);
    }
    return out;
}

std::vector<std::string> keys_of(const std::map<std::string, long>& line) {
    std::vector<std::string> out;
    for (const auto& [key, value] : line) out.push_back(key);
    return out;
}

long inode_of(const std::string& link) {  // "pid:[4026531836]" -> 4026531836
    size_t open = link.find('[');
    return open == std::string::npos ? -1 : std::stol(link.substr(open + 1));
}

TEST(StatusFd, EntrypointWritesTheCommandsPidThenTheExitCode) {
    StatusPipe status;
    auto result = run({pinit(), "--json-status-fd", "3", "--", "sh", "-c", "echo $$; exit 3"},
                      {.fd3 = status.write_end()});
    EXPECT_EQ(result.code, 3) << result.err;
    auto lines = parse_lines(status.read_all());
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(keys_of(lines[0]), std::vector<std::string>{"child-pid"});
    EXPECT_EQ(std::to_string(lines[0]["child-pid"]) + "\n", result.out);
    EXPECT_EQ(keys_of(lines[1]), std::vector<std::string>{"exit-code"});
    EXPECT_EQ(lines[1]["exit-code"], 3);
}

TEST(StatusFd, TheCommandDoesNotInheritTheFd) {
    StatusPipe status;
    auto result = run({pinit(), "--json-status-fd", "3", "--", harness::helper("fdlist")},
                      {.fd3 = status.write_end()});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out, "0 1 2\n");
}

TEST(StatusFd, AnFdNotOpenOrBelowThreeIsAUsageError) {
    auto closed = run({pinit(), "--json-status-fd", "9", "--", "true"});
    EXPECT_EQ(closed.code, 125);
    EXPECT_EQ(closed.err, "pinit: --json-status-fd 9: Bad file descriptor\n");
    auto low = run({pinit(), "--json-status-fd", "1", "--", "true"});
    EXPECT_EQ(low.code, 125);
    EXPECT_EQ(low.err,
              "pinit: invalid value '1' for --json-status-fd: want 3 or more\n"
              "Try 'pinit --help'.\n");
}

// Nobody reads, or nobody is left to: the lines are dropped, pinit neither blocks nor dies.
TEST(StatusFd, AClosedOrFullPipeNeverBlocksOrKillsPinit) {
    StatusPipe closed;
    closed.close_read_end();
    auto result = run({pinit(), "--json-status-fd", "3", "--", "sh", "-c", "exit 4"},
                      {.fd3 = closed.write_end()});
    EXPECT_EQ(result.code, 4) << result.err;
    StatusPipe full;
    ASSERT_EQ(fcntl(full.write_end(), F_SETFL, O_NONBLOCK), 0);
    std::string block(4096, 'x');
    while (write(full.write_end(), block.data(), block.size()) > 0) {
    }
    for (const char* mode : {"--new-ns", "--pgroup"}) {  // the launcher writes, or pinit
        result = run({pinit(), mode, "--json-status-fd", "3", "--", "sh", "-c", "exit 5"},
                     {.fd3 = full.write_end()}, 20000);
        EXPECT_EQ(result.code, 5) << mode << ": " << result.err;
    }
}

// With --new-ns: PID 1's pid (the one --pid-file holds, as bwrap's is its init's) and the
// inodes of the namespaces made, which are the command's; bwrap writes the same keys.
class StatusFdNewNs : public harness::RootAndRootless {};
INSTANTIATE_TEST_SUITE_P(RootAndRootless, StatusFdNewNs, ::testing::Values(false, true),
                         harness::root_or_rootless);

TEST_P(StatusFdNewNs, NamespacesAsBwrapWritesThem) {
    harness::TempDir dir;
    chmod(dir.path().c_str(), 0777);
    std::string pid_file = dir / "box.pid";
    StatusPipe status;
    auto result =
        run({pinit(), "--new-ns=uts", "--json-status-fd", "3", "--pid-file", pid_file, "--", "sh",
             "-c", "for n in mnt pid uts; do readlink /proc/self/ns/$n; done; cat " + pid_file},
            {.in_child = caller(), .fd3 = status.write_end()});
    ASSERT_EQ(result.code, 0) << result.err;
    auto lines = parse_lines(status.read_all());
    ASSERT_EQ(lines.size(), 2u);
    std::istringstream out(result.out);
    std::string mnt, pid, uts, pid1;
    out >> mnt >> pid >> uts >> pid1;
    EXPECT_EQ(lines[0]["child-pid"], std::stol(pid1));
    EXPECT_EQ(lines[0]["mnt-namespace"], inode_of(mnt));
    EXPECT_EQ(lines[0]["pid-namespace"], inode_of(pid));
    EXPECT_EQ(lines[0]["uts-namespace"], inode_of(uts));
    EXPECT_EQ(lines[1], (std::map<std::string, long>{{"exit-code", 0}}));

    if (access("/usr/bin/bwrap", X_OK) != 0) GTEST_SKIP() << "bwrap not installed";
    StatusPipe theirs;
    auto bwrap = run({"/usr/bin/bwrap", "--unshare-pid", "--unshare-uts", "--dev-bind", "/", "/",
                      "--json-status-fd", "3", "true"},
                     {.in_child = caller(), .fd3 = theirs.write_end()});
    ASSERT_EQ(bwrap.code, 0) << bwrap.err;
    auto bwrap_lines = parse_lines(theirs.read_all());
    ASSERT_EQ(bwrap_lines.size(), 2u);
    EXPECT_EQ(keys_of(lines[0]), keys_of(bwrap_lines[0]));
    EXPECT_EQ(keys_of(lines[1]), keys_of(bwrap_lines[1]));
}

}  // namespace
