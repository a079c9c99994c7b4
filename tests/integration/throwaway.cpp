// The harness's throw-away resources and small readers: files, temporary directories, pids
// cgroups, and the mode matrix's argv.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace harness {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

Argv BothModes::pinit_argv(const Argv& tail) const {
    Argv argv = {pinit()};
    if (*GetParam() != '\0') argv.push_back(GetParam());
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
}

std::string BothModes::pinit_command() const {
    return pinit() + (*GetParam() != '\0' ? " " + std::string(GetParam()) : "");
}

std::string mode_name(const ::testing::TestParamInfo<const char*>& info) {
    return *info.param != '\0' ? "NewNs" : "Entrypoint";
}

TempDir::TempDir() {
    char templ[] = "/tmp/pinit-test-XXXXXX";
    if (mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = templ;
}

TempDir::~TempDir() {
    std::filesystem::remove_all(path_);
}

int TempDir::entries() const {
    int n = 0;
    for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator(path_)) ++n;
    return n;
}

namespace {

std::string pids_cgroup_root() {
    for (const char* root : {"/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"})
        if (access((std::string(root) + "/cgroup.procs").c_str(), W_OK) == 0) return root;
    return "";
}

}  // namespace

PidsCgroup::PidsCgroup() {
    static int serial = 0;
    std::string root = pids_cgroup_root();
    if (root.empty()) return;
    std::string path =
        root + "/pinit-test-" + std::to_string(getpid()) + "-" + std::to_string(++serial);
    if (mkdir(path.c_str(), 0755) == 0) path_ = path;
}

PidsCgroup::~PidsCgroup() {
    if (!valid()) return;
    wait_until(
        [this] {
            std::istringstream procs(read_file(path_ + "/cgroup.procs"));
            bool empty = true;
            for (pid_t pid; procs >> pid; empty = false) kill(pid, SIGKILL);
            kill_leftovers();  // reap the ones that were this process's children
            return empty;
        },
        30000);
    rmdir(path_.c_str());
}

std::function<void()> PidsCgroup::join() const {
    std::string procs = path_ + "/cgroup.procs";
    return [procs] {
        int fd = open(procs.c_str(), O_WRONLY);
        if (fd < 0 || write(fd, "0", 1) != 1) _exit(125);
        close(fd);
    };
}

int PidsCgroup::count() const {
    std::istringstream procs(read_file(path_ + "/cgroup.procs"));
    int count = 0;
    for (pid_t pid; procs >> pid;) ++count;
    return count;
}

void PidsCgroup::set_max(int pids) const {
    std::ofstream(path_ + "/pids.max") << pids;
}

}  // namespace harness
