#!/usr/bin/env bash
# Builds Dockerfile.example for real and runs the image, for the host and, cross-compiled in
# the build stage, for arm64 (run through qemu-user's binfmt_misc entry). No registry is
# reachable, so the debian:bookworm base is made here (debootstrap --variant=minbase, then
# docker import) and kept: in the daemon as the image, and as a tarball in $PINIT_TEST_CACHE for
# a fresh daemon. The arm64 image's base is Debian's arm64 busybox-static on scratch.
#   tests/docker/example_image.sh REPO_ROOT      exit 77 = skipped (the reason is printed)
set -euo pipefail
repo=$1
cache=${PINIT_TEST_CACHE:-/var/cache/pinit-test}
base=debian:bookworm
image=pinit-example:test
skip() { echo "SKIP: $*"; exit 77; }

docker info >/dev/null 2>&1 || skip "no Docker daemon answers (start dockerd; .ci/run does)"
if ! docker image inspect "$base" >/dev/null 2>&1; then
  tarball=$cache/bookworm-minbase.tar
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || skip "debootstrap not installed and no cached base"
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    echo "creating $base with debootstrap (cached in $tarball)"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
    mkdir -p "$cache"
    tar -C "$root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  fi
  docker import "$tarball" "$base" >/dev/null
fi

# Afterwards, remove the image and the untagged build-stage images this build leaves behind
# (only those: the ones that were dangling before stay).
dangling_before=$(docker images -q -f dangling=true | sort)
arm_base=pinit-test/busybox:arm64
arm_image=pinit-example:test-arm64
cleanup() {
  docker rmi -f "$image" "$arm_image" "$arm_base" >/dev/null 2>&1 || true
  comm -13 <(echo "$dangling_before") <(docker images -q -f dangling=true | sort) |
    xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "${root:-}"
}
trap cleanup EXIT
# The builder needs the network for apt-get; the daemon here runs with --bridge=none.
docker build -q --network host -f "$repo/Dockerfile.example" -t "$image" "$repo" >/dev/null

out=$(docker run --rm "$image")
echo "$out"
[ "$out" = "PID 1 is pinit, the parent of this shell is PID 1" ] || { echo "FAIL: unexpected output"; exit 1; }
code=0
docker run --rm "$image" sh -c 'exit 5' || code=$?
[ "$code" = 5 ] || { echo "FAIL: exit code $code, want 5"; exit 1; }
echo "example image: built, PID 1 is pinit, exit codes pass through"

# arm64: BuildKit (the legacy builder cannot copy between stages of different platforms), from
# buildx or the docker.io 20.10 client's built-in one.
if docker buildx version >/dev/null 2>&1; then
  buildkit=(docker buildx build --load)
elif /usr/bin/docker version -f '{{.Client.Version}}' 2>/dev/null | grep -q '^20\.'; then
  buildkit=(env DOCKER_BUILDKIT=1 /usr/bin/docker build)
else
  echo "FAIL: no BuildKit client (docker buildx, or docker.io's /usr/bin/docker)"; exit 1
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || { echo "FAIL: qemu-aarch64 not in binfmt_misc"; exit 1; }
deb=$cache/busybox-static-arm64.deb
if [ ! -s "$deb" ]; then
  mkdir -p "$cache"
  (cd "$cache" && apt-get download busybox-static:arm64 >/dev/null 2>&1 && mv busybox-static_*_arm64.deb "$deb") ||
    { echo "FAIL: apt-get download busybox-static:arm64 (dpkg --add-architecture arm64?)"; exit 1; }
fi
root=$(mktemp -d)
dpkg -x "$deb" "$root/x"
mkdir -p "$root/ctx/rootfs/bin"
cp "$root/x/bin/busybox" "$root/ctx/rootfs/bin/"
for applet in sh cat; do ln -s busybox "$root/ctx/rootfs/bin/$applet"; done
printf 'FROM scratch\nCOPY rootfs/ /\n' >"$root/ctx/Dockerfile"
docker build -q --platform linux/arm64 -t "$arm_base" "$root/ctx" >/dev/null
"${buildkit[@]}" -q --network host --platform linux/arm64 --build-arg BASE="$arm_base" \
  -f "$repo/Dockerfile.example" -t "$arm_image" "$repo" >/dev/null
arch=$(docker image inspect -f '{{.Architecture}}' "$arm_image")
[ "$arch" = arm64 ] || { echo "FAIL: the arm64 image is $arch"; exit 1; }
machine=$(docker run --rm --platform linux/arm64 --entrypoint /bin/busybox "$arm_image" \
  od -A n -t x1 -j 18 -N 2 /pinit | tr -d ' ')
[ "$machine" = b700 ] || { echo "FAIL: /pinit's ELF machine is $machine, want b700 (aarch64)"; exit 1; }
out=$(docker run --rm --platform linux/arm64 "$arm_image")
echo "arm64: $out"
[ "$out" = "PID 1 is pinit, the parent of this shell is PID 1" ] || { echo "FAIL: unexpected output"; exit 1; }
code=0
docker run --rm --platform linux/arm64 "$arm_image" sh -c 'kill -TERM $$' || code=$?
[ "$code" = 143 ] || { echo "FAIL: arm64 exit code $code, want 143"; exit 1; }
echo "example image, arm64: cross-built, PID 1 is pinit, exit codes pass through"
