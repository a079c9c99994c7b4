// The README's "Connecting a sandbox to a network", for real: a --new-ns=net sandbox joined
// from outside by the pid in its pid file, as root with a veth pair, rootless with slirp4netns.
// Traffic stays between the test's own endpoints: two link-local addresses of one veth pair, or
// a port of the host's 127.0.0.1 that slirp4netns forwards into the sandbox.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "rootless.hpp"

using harness::helper;
using harness::pinit;
using harness::Process;
using harness::run;

namespace {

constexpr int kEventMs = 20000;
constexpr int kAttempts = 5;            // free-port picks before giving up
const std::string kGuestPort = "7777";  // inside the sandbox's own network namespace
const std::vector<std::string> kSbinPath{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};  // for `ip`

std::string namespace_of(const std::string& pid, const char* type) {
    std::error_code error;
    return std::filesystem::read_symlink("/proc/" + pid + "/ns/" + type, error).string();
}

// The pid the launcher writes once the namespaces are set up ("" if none comes).
std::string pid_in(const std::string& pid_file) {
    std::string pid;
    harness::wait_until([&] { return !(pid = harness::read_file(pid_file)).empty(); }, kEventMs);
    while (!pid.empty() && pid.back() == '\n') pid.pop_back();
    return pid;
}

// Sends line to ADDR:PORT with bash's /dev/tcp; the reply line is the result's out.
harness::Result exchange(const std::string& addr, const std::string& port,
                         const std::string& line) {
    return run({"/bin/bash", "-c",
                "exec 3<>/dev/tcp/$0/$1 && echo \"$2\" >&3 && read -r reply <&3 && "
                "echo \"$reply\"",
                addr, port, line},
               {.stdin_null = true}, kEventMs);
}

harness::Result ip(const harness::Argv& args) {
    harness::Argv argv{"/sbin/ip"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {.stdin_null = true}, kEventMs);
}

// 169.254.N.host/30, N from our pid: CTest's parallel processes never share a subnet.
std::string link_local(int host) {
    return "169.254." + std::to_string(10 + getpid() % 240) + "." + std::to_string(host);
}

// The host end of the veth pair; deleting it removes both ends, wherever the other one is.
struct HostEnd {
    std::string name = "pinitv" + std::to_string(getpid() % 100000);  // within IFNAMSIZ
    bool exists() const { return std::filesystem::exists("/sys/class/net/" + name); }
    ~HostEnd() {
        if (exists()) (void)ip({"link", "del", name});
    }
};

// The README's recipe: the sandbox waits for the host to move eth0 in, then configures it.
TEST(Network, AVethPairMovedInByThePidFilesPidConnectsARootSandbox) {
    harness::TempDir dir;
    std::string pid_file = dir / "sandbox.pid", inside = link_local(2);
    std::string script =
        "until ip link show eth0 >/dev/null 2>&1; do sleep 0.05; done; "
        "ip addr add " +
        inside +
        "/30 dev eth0 && ip link set eth0 up && "
        "exec " +
        helper("echoline") + " " + inside + " " + kGuestPort;
    Process sandbox(
        {pinit(), "--new-ns=net", "--pid-file", pid_file, "--", "/bin/sh", "-c", script},
        {.env = kSbinPath, .stdin_null = true});
    std::string pid = pid_in(pid_file);
    ASSERT_NE(pid, "") << sandbox.err();
    ASSERT_NE(namespace_of(pid, "net"), namespace_of("self", "net"))
        << "the pid file names a process still in the host's network namespace";
    HostEnd host;
    auto add = ip({"link", "add", host.name, "type", "veth", "peer", "name", "eth0", "netns", pid});
    ASSERT_EQ(add.code, 0) << add.err;
    auto address = ip({"addr", "add", link_local(1) + "/30", "dev", host.name});
    ASSERT_EQ(address.code, 0) << address.err;
    auto up = ip({"link", "set", host.name, "up"});
    ASSERT_EQ(up.code, 0) << up.err;
    ASSERT_TRUE(sandbox.wait_for_output("listening", kEventMs)) << sandbox.err();
    auto reply = exchange(inside, kGuestPort, "through-veth");
    EXPECT_EQ(reply.out, "through-veth\n") << reply.err;
    EXPECT_EQ(sandbox.wait(kEventMs), 0) << sandbox.err();
    EXPECT_TRUE(harness::wait_until([&] { return !host.exists(); }, kEventMs))
        << host.name << " outlived the sandbox";
}

// slirp4netns opens /dev/net/tun as the user: Debian's udev makes it 0666. Where there is no
// udev (0600), slirp4netns alone gets such a node, in a private mount namespace of its own;
// the host's /dev stays as it is. Runs in the forked child; exits 124 if it cannot.
void give_slirp4netns_a_tun_device() {
    struct stat tun;
    if (stat("/dev/net/tun", &tun) == 0 && (tun.st_mode & 0666) == 0666) return;
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0 ||
        mount("tmpfs", "/dev/net", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0 ||
        mknod("/dev/net/tun", S_IFCHR | 0666, makedev(10, 200)) < 0 ||
        chmod("/dev/net/tun", 0666) < 0)
        _exit(124);
}

// A port of 127.0.0.1 free a moment ago (the caller retries if another process took it since).
std::string free_loopback_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    bool bound = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                 getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
    if (fd >= 0) close(fd);
    return bound ? std::to_string(ntohs(addr.sin_port)) : "";
}

// One request to slirp4netns's API socket; its man page: one per connection, ended by
// shutdown(SHUT_WR). The reply, or nullopt if the socket would not take the request.
std::optional<std::string> slirp4netns_api(const std::string& path, const std::string& json) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
        write(fd, json.data(), json.size()) != static_cast<ssize_t>(json.size()) ||
        shutdown(fd, SHUT_WR) < 0) {
        if (fd >= 0) close(fd);
        return std::nullopt;
    }
    std::string reply;
    pollfd readable{fd, POLLIN, 0};
    char buf[4096];
    for (ssize_t got = 1; got > 0 && poll(&readable, 1, kEventMs) > 0;) {
        got = read(fd, buf, sizeof buf);
        if (got > 0) reply.append(buf, static_cast<size_t>(got));
    }
    close(fd);
    return reply;
}

std::string add_hostfwd(const std::string& host_port) {
    return R"({"execute": "add_hostfwd", "arguments": {"proto": "tcp", "host_addr": )"
           R"("127.0.0.1", "host_port": )" +
           host_port + R"(, "guest_port": )" + kGuestPort + "}}";
}

// Forwards a free port of 127.0.0.1 to the guest port; the host port, or "" with the last reply.
std::string forward_a_free_port(const std::string& api_socket, std::string* last_reply) {
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        std::string port = free_loopback_port();
        *last_reply = slirp4netns_api(api_socket, add_hostfwd(port)).value_or("no reply");
        if (last_reply->find("\"return\"") != std::string::npos) return port;
    }
    return "";
}

// Blocks until slirp4netns writes its --ready-fd (set up, API socket listening) or exits.
bool ready(int ready_fd) {
    pollfd readable{ready_fd, POLLIN, 0};
    char byte;
    return poll(&readable, 1, kEventMs) > 0 && read(ready_fd, &byte, 1) == 1;
}

// The README's rootless recipe: the launcher and slirp4netns both run as nobody.
TEST(Network, Slirp4netnsAttachedByThePidFilesPidForwardsAHostPortIntoARootlessSandbox) {
    harness::TempDir dir;
    chmod(dir.path().c_str(), 0777);  // nobody writes the pid file and the API socket there
    std::string pid_file = dir / "sandbox.pid", api_socket = dir / "slirp4netns.sock";
    Process sandbox({pinit(), "--new-ns=net", "--pid-file", pid_file, "--", helper("echoline"),
                     "0.0.0.0", kGuestPort},
                    {.env = kSbinPath, .in_child = harness::become_nobody, .stdin_null = true});
    std::string pid = pid_in(pid_file);
    ASSERT_NE(pid, "") << sandbox.err();
    ASSERT_NE(namespace_of(pid, "net"), namespace_of("self", "net"))
        << "the pid file names a process still in the host's network namespace";
    int ready_pipe[2];
    ASSERT_EQ(pipe2(ready_pipe, O_CLOEXEC), 0);
    Process slirp4netns(
        {"/usr/bin/slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback",
         "--api-socket", api_socket, "--ready-fd=3", pid, "tap0"},
        {.in_child =
             [] {
                 give_slirp4netns_a_tun_device();
                 harness::become_nobody();
             },
         .stdin_null = true,
         .fd3 = ready_pipe[1]});
    close(ready_pipe[1]);
    bool slirp4netns_ready = ready(ready_pipe[0]);
    close(ready_pipe[0]);
    if (!slirp4netns_ready) {
        int code = slirp4netns.wait(1000);
        FAIL() << "slirp4netns not ready, exit " << code << ": " << slirp4netns.err();
    }
    std::string reply;
    std::string host_port = forward_a_free_port(api_socket, &reply);
    ASSERT_NE(host_port, "") << "add_hostfwd: " << reply;
    ASSERT_TRUE(sandbox.wait_for_output("listening", kEventMs)) << sandbox.err();
    auto exchanged = exchange("127.0.0.1", host_port, "through-slirp4netns");
    EXPECT_EQ(exchanged.out, "through-slirp4netns\n") << exchanged.err;
    EXPECT_EQ(sandbox.wait(kEventMs), 0) << sandbox.err();
    // slirp4netns outlives the sandbox it served: ours to stop.
    kill(slirp4netns.pid(), SIGTERM);
    EXPECT_EQ(slirp4netns.wait(kEventMs), harness::killed_by(SIGTERM)) << slirp4netns.err();
}

}  // namespace
