#!/usr/bin/env bash
# `make test`: set up what the suite needs, then run all of it (CMake/CTest). On a fresh Debian
# machine nothing may be skipped, so this installs the missing packages (as root) and starts a
# Docker daemon when none answers, rather than leaving the Docker and packaging tests to skip.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Everything the build and the tests use: the toolchains (musl for the shipping binary, clang
# for the fuzz target), GoogleTest, docker.io with busybox-static and debootstrap for the images,
# and the Debian/RPM packaging and man-page tools.
packages=(g++ make cmake libgtest-dev musl-tools util-linux procps busybox-static
  clang libclang-rt-14-dev docker.io debootstrap ca-certificates
  build-essential dpkg-dev debhelper lintian rpm mandoc man-db cpio iproute2 slirp4netns
  systemd bubblewrap podman runc
  g++-aarch64-linux-gnu g++-arm-linux-gnueabihf musl-dev:arm64 musl-dev:armhf qemu-user-static)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "run-suite: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 2
  fi
  # The cross builds take Debian's musl for arm64 and armhf (musl-dev is Multi-Arch: same).
  for arch in arm64 armhf; do
    dpkg --print-foreign-architectures | grep -qx "$arch" || dpkg --add-architecture "$arch"
  done
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The arm64 and armhf binaries run under qemu-user through binfmt_misc, with the entries of
# qemu-user-static (its postinst registers them where systemd runs; here too where it does not).
# Their F flag has the kernel open the interpreter once, so it also runs inside containers.
binfmt=/proc/sys/fs/binfmt_misc
for qemu in qemu-aarch64 qemu-arm; do
  [ -e "$binfmt/$qemu" ] && continue
  if [ "$(id -u)" != 0 ]; then
    echo "run-suite: $qemu is not registered in binfmt_misc (run as root to register it)" >&2
    exit 2
  fi
  mountpoint -q "$binfmt" || mount -t binfmt_misc binfmt_misc "$binfmt"
  grep -v '^#' "/usr/lib/binfmt.d/$qemu.conf" >"$binfmt/register"
done

# After the install: with musl-tools present, make links the shipping musl binary, which is
# also the init the dockerd below hands to `docker run --init`.
make

# The Docker tests need a daemon. Use the one that answers, if any (it is not ours to stop);
# else start one, with pinit as its --init, and stop it again on exit. No bridge or iptables
# on these machines; image builds use --network host.
dockerd_pid=
dockerd_log=
stop_dockerd() {
  [ -n "$dockerd_pid" ] || return 0
  # dockerd stops the containerd it spawned when it gets TERM; note that one to make sure.
  local children
  children=$(pgrep -P "$dockerd_pid" || true)
  kill "$dockerd_pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$dockerd_pid" 2>/dev/null && echo "run-suite: dockerd ignored TERM for 30 s, killed" >&2
  for pid in $children; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null && echo "run-suite: dockerd left its child $pid behind, killed" >&2
  done
  rm -f "$dockerd_log"
}
trap stop_dockerd EXIT
if ! docker info >/dev/null 2>&1; then
  dockerd_log=$(mktemp /tmp/run-suite-dockerd.XXXXXX)
  dockerd --iptables=false --bridge=none --init-path "$PWD/build/pinit" >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 120); do  # up to 60 s
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    echo "run-suite: dockerd did not come up; the last lines of its log:" >&2
    tail -n 20 "$dockerd_log" >&2
    exit 1
  fi
fi

# Every packaging tool is installed now: a missing one must fail its test, not skip it.
export PINIT_PACKAGING_REQUIRED=1
cmake -S . -B build/cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPINIT_CROSS_REQUIRED=ON
cmake --build build/cmake -j2
cd build/cmake
ctest --output-on-failure -j2
