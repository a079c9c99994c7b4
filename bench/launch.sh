#!/usr/bin/env bash
# Launch time of `pinit --new-ns`, as root and rootless (as nobody), interleaved runs, medians:
#  1. plain `pinit --new-ns -- true` against true alone, against a minimal launcher doing only
#     clone + private / + proc + vfork/exec (bench/minimal_launcher.c, the floor), and unshare;
#     rootless also against that launcher with pinit's mount lock added (--lock);
#  2. `pinit --new-ns --root R --bind DATA:/data -- true` (a fresh /dev too) against plain
#     `pinit --new-ns -- R/bin/true` and `bwrap --unshare-pid --bind R / --proc /proc --dev /dev
#     --bind DATA /data true`, R a busybox rootfs made here (every row runs its static true);
#  3. the system calls of each process of a plain launch, and of the minimal launcher's.
# Prints figures and ratios, then their range over the repeats; never passes or fails on a time.
#   bench/launch.sh [RUNS] [REPEATS]   (default 500 rounds, 3 repeats; the rootless rows run as
#                                       nobody through setpriv when started as root)
#   PINIT=/path/to/pinit bench/launch.sh   times that binary instead of build/pinit
# Needs cc and musl-gcc (musl-tools); optional: unshare, bwrap (bubblewrap), a static busybox
# (busybox-static), strace.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}
repeats=${2:-3}
pinit=${PINIT:-$PWD/build/pinit}
[ -n "${PINIT:-}" ] || [ -x "$pinit" ] || make -s
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$work"  # nobody runs the timer, the launcher and the rootfs from here
timer=$work/spawntimer minimal=$work/minimal_launcher
cc -O2 -o "$timer" bench/spawntimer.c
if command -v musl-gcc >/dev/null; then
  musl-gcc -static -Os -s -o "$minimal" bench/minimal_launcher.c
else
  echo "(no musl-gcc: the minimal launcher is linked against static glibc, larger than pinit)"
  cc -static -Os -s -o "$minimal" bench/minimal_launcher.c
fi
true_bin=/bin/true

# Who runs a row: "root", or "rootless" (nobody when started as root, else the caller).
modes=()
if [ "$(id -u)" = 0 ]; then
  modes+=(root)
  if command -v setpriv >/dev/null; then
    modes+=(rootless)
  else
    echo "(no setpriv: no rootless rows)"
  fi
else
  echo "(not root: rootless rows only)"
  modes+=(rootless)
fi
as() {
  local mode=$1
  shift
  if [ "$mode" = rootless ] && [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}

# --- the rootfs for part 2: bin/busybox with sh and true, the mount points, a data dir --------
root=$work/rootfs data=$work/data
busybox=$(command -v busybox || true)
rootfs_note=
if [ -z "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
  rootfs_note="skipped: --root rows need a static busybox (Debian: busybox-static)"
else
  mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/tmp" "$root/data" "$data"
  cp "$busybox" "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  ln -s busybox "$root/bin/true"
fi
pinit_root=("$pinit" --new-ns --root "$root" --bind "$data:/data" --)
bwrap_root=("$(command -v bwrap || echo bwrap)" --unshare-pid --bind "$root" / --proc /proc
  --dev /dev --bind "$data" /data)
# What the sandbox must show, so that no row times a setup that skipped part of the work.
probe='/bin/busybox grep -q " /data " /proc/self/mountinfo && [ -c /dev/null ] &&
  [ -r /proc/1/stat ]'
[[ $("$pinit" --help) == *--bind* ]] || pinit_lacks_bind=1

# rootfs_rows MODE: the name/command groups of part 2 that can run as MODE, after a check each.
rootfs_rows() {
  local mode=$1 status
  # The same true in every row: R's (busybox, static), not the host's dynamic one.
  rows=("plain pinit --new-ns" "$pinit" --new-ns -- "$root/bin/true")
  if [ -n "${pinit_lacks_bind:-}" ]; then
    echo "skipped: pinit --root --bind rows (\`pinit --help\` does not list --bind yet)"
  elif status=$(as "$mode" "${pinit_root[@]}" "$true_bin" 2>&1); then
    as "$mode" "${pinit_root[@]}" /bin/sh -c "$probe" ||
      echo "note: pinit --root run shows no /data mount, /dev/null or /proc: its figure flatters it"
    rows+=(::: "pinit --root R --bind, /dev" "${pinit_root[@]}" "$true_bin")
  else
    echo "skipped: pinit --root --bind row, it fails: ${status:-exit status $?}"
  fi
  if ! command -v bwrap >/dev/null; then
    echo "skipped: bwrap rows (Debian: bubblewrap)"
  elif status=$(as "$mode" "${bwrap_root[@]}" /bin/sh -c "$probe" 2>&1); then
    rows+=(::: "bwrap --bind R /, proc, dev" "${bwrap_root[@]}" "$true_bin")
  else
    echo "skipped: bwrap row, it fails: ${status:-exit status $?}"
  fi
}

# --- the figures, and their range over the repeats ----------------------------------------------
source bench/ratios.sh
# timed MODE SECOND_REFERENCE NAME CMD... [::: NAME CMD...]...: one interleaved run, printed
# and kept in $table.
timed() {
  local mode=$1 second=$2
  shift 2
  table=$(as "$mode" "$timer" -r "$second" "$runs" "$@")
  printf '%s\n' "$table"
}
# record_ratio LABEL ROW_A ROW_B: keeps the ratio of two rows' medians in the last table.
record_ratio() {
  local value
  value=$(awk -v a="$2" -v b="$3" \
    'NR == a + 1 { x = $(NF - 4) } NR == b + 1 { y = $(NF - 4) }
     END { printf "%.2f\n", x / y }' <<<"$table")
  keep "$1" "$value"
}
# record LABEL ROW COLUMN: keeps ROW's ratio (rows count from 1) to the first command (COLUMN 1)
# or to the second reference (COLUMN 2) of the last table.
record() {
  local value
  value=$(awk -v row="$2" -v col="$3" \
    'NR == row + 1 { v = col == 1 ? $(NF - 1) : $NF; sub(/x$/, "", v); print v }' <<<"$table")
  keep "$1" "$value"
}

unshare_works() {
  local flags=-fp
  [ "$1" = root ] || flags=-Urfp
  command -v unshare >/dev/null && as "$1" unshare "$flags" --mount-proc true 2>/dev/null
}

for ((repeat = 1; repeat <= repeats; ++repeat)); do
  for mode in "${modes[@]}"; do
    echo
    echo "== [$repeat/$repeats] plain --new-ns, $mode, $runs rounds (ratio = / true alone;" \
      "last column = / minimal launcher)"
    plain=("true alone" "$true_bin" ::: "minimal launcher" "$minimal" "$true_bin"
      ::: "pinit --new-ns -- true" "$pinit" --new-ns -- "$true_bin")
    # Rootless, pinit locks its mounts in a nested user + mount namespace: the same lock added
    # to the minimal launcher is the like-for-like floor (row 4).
    [ "$mode" = root ] || plain+=(::: "minimal launcher --lock" "$minimal" --lock "$true_bin")
    if unshare_works "$mode"; then
      flags=-fp
      [ "$mode" = root ] || flags=-Urfp
      plain+=(::: "unshare $flags --mount-proc" "$(command -v unshare)" "$flags" --mount-proc
        --kill-child "$true_bin")
    fi
    timed "$mode" 2 "${plain[@]}"
    record "pinit --new-ns / minimal launcher, $mode (target <= 1.05x)" 3 2
    record "pinit --new-ns / true alone, $mode" 3 1
    record "minimal launcher / true alone, $mode" 2 1
    if [ "$mode" != root ]; then
      record_ratio "pinit --new-ns / minimal launcher --lock, $mode (target <= 1.05x)" 3 4
      record_ratio "minimal launcher --lock / minimal launcher, $mode (the lock's cost)" 4 2
    fi
    if [ -n "$rootfs_note" ]; then
      echo "$rootfs_note"
      continue
    fi
    echo
    echo "== [$repeat/$repeats] --root R, $mode, $runs rounds (ratio = / plain pinit --new-ns;" \
      "last column = / the last row)"
    rootfs_rows "$mode"
    groups=$(printf '%s\n' "${rows[@]}" | grep -c '^:::$' || true)
    if [ "$groups" -eq 0 ]; then
      echo "(nothing to compare plain pinit --new-ns with)"
      continue
    fi
    timed "$mode" $((groups + 1)) "${rows[@]}"
    for ((row = 2; row <= groups + 1; ++row)); do
      name=$(awk -v row="$row" 'NR == row + 1 { print substr($0, 1, 28) }' <<<"$table")
      name=${name%"${name##*[! ]}"}
      target=
      [[ $name == pinit* ]] && target=" (target <= 1.30x)"
      record "$name / plain --new-ns, $mode$target" "$row" 1
    done
    if [ "$groups" -eq 2 ]; then
      record "pinit --root R --bind, /dev / bwrap, $mode (target < 1.00x)" 2 2
    fi
  done
done

echo
echo "== ratios of medians over $repeats repeat(s) of $runs rounds: lowest - highest"
print_ranges 72

# --- the system calls of one plain launch -------------------------------------------------------
command -v strace >/dev/null || exit 0
# Splits `strace -f` output by process, in the order they appear (launcher, PID 1, command);
# the command's are counted up to its execve.
by_process() {
  awk '
    / (\+\+\+|---|<\.\.\.) / { next }
    {
      pid = $1; name = $2; sub(/\(.*/, "", name)
      if (!(pid in role)) role[pid] = ++roles
      r = role[pid]
      if (r == 3 && execed) next
      calls[r] = calls[r] " " name; ++count[r]
      if (r == 3 && name == "execve") execed = 1
    }
    END {
      split("launcher|PID 1|command, to its execve", label, "|")
      for (r = 1; r <= roles && r <= 3; ++r) printf "  %-26s %3d:%s\n", label[r], count[r], calls[r]
    }' "$1"
}
install -d -m 0777 "$work/traces"
for mode in "${modes[@]}"; do
  echo
  echo "== system calls of \`pinit --new-ns -- true\`, $mode (strace -f)"
  as "$mode" strace -f -o "$work/traces/pinit.$mode" "$pinit" --new-ns -- "$true_bin"
  by_process "$work/traces/pinit.$mode"
  echo "   the minimal launcher, $mode:"
  as "$mode" strace -f -o "$work/traces/minimal.$mode" "$minimal" "$true_bin"
  by_process "$work/traces/minimal.$mode"
done
