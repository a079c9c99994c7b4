#!/usr/bin/env bash
# Builds Dockerfile.example for real and runs the image. No registry is reachable, so the
# debian:bookworm base is made here (debootstrap --variant=minbase, then docker import) and
# kept: in the daemon as the image, and as a tarball in $PINIT_TEST_CACHE for a fresh daemon.
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
cleanup() {
  docker rmi -f "$image" >/dev/null 2>&1 || true
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
