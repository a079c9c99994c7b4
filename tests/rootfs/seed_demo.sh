#!/usr/bin/env bash
# The README's "A rootless Debian container in one command", end to end: a Debian minbase tree
# owned by nobody, run by nobody as `pinit --new-ns --root` with a bind, a read-only bind and a
# tmpfs. Checked from inside (one line per check, compared exactly) and from the host (what
# /data got, nothing mounted on the tree during or after, its /dev untouched, the mount table
# unchanged). The tree comes from the tarball tests/docker/example_image.sh caches.
#   tests/rootfs/seed_demo.sh REPO_ROOT [PINIT]   exit 77 = skipped (the reason is printed)
set -euo pipefail
repo=$1
pinit=${2:-$repo/build/pinit}
cache=${PINIT_TEST_CACHE:-/var/cache/pinit-test}
tarball=$cache/bookworm-minbase.tar
nobody=65534
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: the tree is unpacked as root, pinit runs as uid $nobody"
[ -s "$tarball" ] || command -v debootstrap >/dev/null ||
  skip "no cached $tarball and debootstrap is not installed"

work=$(mktemp -d /tmp/pinit-seed-demo.XXXXXX)
rootfs=$work/rootfs data=$work/data
# Mount points at or below $1 in this mount namespace (mountinfo's 5th field).
mounted_below() { awk -v dir="$1" '$5 == dir || index($5, dir "/") == 1 { print $5 }' /proc/self/mountinfo; }
cleanup() {
  [ -n "${launcher:-}" ] && kill "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null
  rm -f "$tarball.part.$$"
  # rm -r would delete through a leaked bind into the host's files: leave the tree then.
  if [ -n "$(mounted_below "$work")" ]; then
    echo "FAIL: still mounted below $work, left in place: $(mounted_below "$work" | tr '\n' ' ')"
    exit 1
  fi
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

if [ ! -s "$tarball" ]; then  # made as tests/docker/example_image.sh makes it
  echo "creating $tarball with debootstrap (once)"
  debootstrap --variant=minbase bookworm "$work/bootstrap" http://deb.debian.org/debian >/dev/null
  mkdir -p "$cache"
  tar -C "$work/bootstrap" -cf "$tarball.part.$$" . && mv "$tarball.part.$$" "$tarball"
  rm -rf --one-file-system "$work/bootstrap"
fi

start=$(date +%s.%N)
chmod 0755 "$work"
mkdir "$rootfs" "$data"
tar -C "$rootfs" --numeric-owner -xf "$tarball"
# The host is Debian 12 too: a marker tells this tree from the host's, and a resolv.conf of its
# own tells the --ro-bind from the file it hides.
marker="seed demo tree ${work##*.}"
echo "$marker" >"$rootfs/etc/seed-demo"
echo "# the tree's own, hidden by --ro-bind" >"$rootfs/etc/resolv.conf"
chown -R "$nobody:$nobody" "$rootfs" "$data"
# A copy nobody can run, wherever the build tree is.
install -m 0755 "$pinit" "$work/pinit"
unpacked=$(date +%s.%N)

# What the checks inside must print, from the tree's dpkg database and the host's files.
status=$rootfs/var/lib/dpkg/status
apt_field() {
  awk -v RS= -F '\n' -v key="$1: " '$1 == "Package: apt" {
    for (i = 2; i <= NF; i++) if (index($i, key) == 1) print substr($i, length(key) + 1) }' "$status"
}
installed=$(grep -c '^Status: install ok installed$' "$status")
expected="pids: 1 2
pid 1: pinit, pid 2: bash
uid: 0
root: $marker
os: Debian GNU/Linux 12 (bookworm)
proc: proc rw, /proc/self is 2
null: a character device, writes discarded
urandom: 16 bytes
pty: /dev/pts/0
apt-get: apt $(apt_field Version) ($(apt_field Architecture))
dpkg: $installed packages installed
data: written
resolv.conf: ro, Read-only file system, cksum $(cksum </etc/resolv.conf)
tmp: tmpfs rw
host: checked"

# Inside: no procps in minbase, so the pids come from a glob over /proc (no process of its
# own); util-linux's script(1) allocates the pty. /data/ready and /data/checked let the host
# look at its mount table while everything is still mounted.
inside=$(cat <<'EOF'
mount_at() {  # "TYPE rw|ro" of the top mount at $1
  local id parent dev root point options rest found=
  while read -r id parent dev root point options rest; do
    if [ "$point" = "$1" ]; then found=${rest#*- } found="${found%% *} ${options%%,*}"; fi
  done </proc/self/mountinfo
  echo "$found"
}
pids=(/proc/[0-9]*)
echo "pids: ${pids[*]#/proc/}"
read -r pid1 </proc/1/comm; read -r pid2 </proc/2/comm
echo "pid 1: $pid1, pid 2: $pid2"
echo "uid: $(id -u)"
read -r marker </etc/seed-demo
echo "root: $marker"
. /etc/os-release
echo "os: $PRETTY_NAME"
read -r self _ </proc/self/stat
echo "proc: $(mount_at /proc), /proc/self is $self"
[ -c /dev/null ] && echo gone >/dev/null && echo "null: a character device, writes discarded"
echo "urandom: $(head -c 16 /dev/urandom | wc -c) bytes"
echo "pty: $(script -qc tty /dev/null </dev/null | tr -d '\r')"
echo "apt-get: $(apt-get --version | head -n 1)"
echo "dpkg: $(dpkg -l | grep -c '^ii') packages installed"
echo "written inside" >/data/from-inside && echo "data: written"
refused=$(touch -c /etc/resolv.conf 2>&1 | sed 's/.*: //')
mode=$(mount_at /etc/resolv.conf)
echo "resolv.conf: ${mode#* }, $refused, cksum $(cksum </etc/resolv.conf)"
echo "written inside" >/tmp/from-inside && echo "tmp: $(mount_at /tmp)"
: >/data/ready
for _ in $(seq 600); do [ -e /data/checked ] && break; sleep 0.1; done
[ -e /data/checked ] && echo "host: checked" || echo "host: did not answer in 60 s"
EOF
)

# Docker tests may add and remove mounts in parallel (ctest -j): their lines are left out.
host_mounts() { grep -v -e ' /var/lib/docker/' -e ' /run/docker/' -e ' /run/containerd/' /proc/self/mountinfo || true; }
dev_listing() { find "$rootfs/dev" -printf '%y %m %U:%G %P %l\n' | sort; }
mounts_before=$(host_mounts)
dev_before=$(dev_listing)
failures=()

cd /
timeout -k 10 300 setpriv --reuid=$nobody --regid=$nobody --clear-groups \
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
  "$work/pinit" --new-ns --root "$rootfs" --bind "$data:/data" \
  --ro-bind /etc/resolv.conf:/etc/resolv.conf --tmpfs /tmp -- /bin/bash -c "$inside" \
  </dev/null >"$work/out" 2>"$work/err" &
launcher=$!
for _ in $(seq 1200); do  # up to 120 s
  [ -e "$data/ready" ] && break
  kill -0 "$launcher" 2>/dev/null || break
  sleep 0.1
done
if [ -e "$data/ready" ]; then
  during=$(mounted_below "$rootfs")
  [ -z "$during" ] && [ "$(host_mounts)" = "$mounts_before" ] ||
    failures+=("while it ran, the host's mount table changed: $during")
  touch "$data/checked"
fi
code=0
wait "$launcher" || code=$?
launcher=
finished=$(date +%s.%N)

[ "$code" = 0 ] || failures+=("pinit exited $code")
[ -s "$work/err" ] && failures+=("stderr: $(cat "$work/err")")
diff -u --label expected --label inside <(echo "$expected") "$work/out" ||
  failures+=("the checks inside printed other lines (diff above)")
[ "$(cat "$data/from-inside" 2>/dev/null)" = "written inside" ] &&
  [ "$(stat -c %u "$data/from-inside")" = "$nobody" ] ||
  failures+=("$data/from-inside is not the file written inside, owned by $nobody")
[ -e "$rootfs/tmp/from-inside" ] && failures+=("the --tmpfs /tmp write landed in the tree")
[ "$(cat "$rootfs/etc/resolv.conf")" = "# the tree's own, hidden by --ro-bind" ] ||
  failures+=("the tree's own /etc/resolv.conf changed")
after=$(mounted_below "$rootfs")
[ -z "$after" ] || failures+=("mounted on the tree after exit: $after")
diff -u --label before --label after <(echo "$mounts_before") <(host_mounts) ||
  failures+=("the host's mount table differs after the run (diff above)")
regular=$(find "$rootfs/dev" -type f)
[ -z "$regular" ] || failures+=("regular files in the tree's /dev: $regular")
[ "$(dev_listing)" = "$dev_before" ] || failures+=("the tree's /dev changed")

if [ ${#failures[@]} -gt 0 ]; then
  printf 'FAIL: %s\n' "${failures[@]}"
  exit 1
fi
cat "$work/out"
awk -v a="$start" -v b="$unpacked" -v c="$finished" \
  'BEGIN { printf "seed demo: pass (unpack %.1f s, pinit run %.1f s)\n", b - a, c - b }'
