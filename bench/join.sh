#!/usr/bin/env bash
# Time to run /bin/true inside a running sandbox: `pinit --join PID -- true` against
# `nsenter -t PID -a true` (util-linux), interleaved, medians. The target is a sandbox whose PID
# 1 sleeps, in new pid, mount, uts, ipc, net, cgroup and time namespaces: as root `unshare
# --fork --pid --mount-proc --uts --ipc --net --cgroup --time`; rootless (nobody, through
# setpriv) the same with --user --map-root-user, and nsenter needs --preserve-credentials there
# (its setgroups is refused where the map denies it; pinit goes on without).
# Prints figures and ratios (target: pinit no slower than nsenter); never passes or fails.
#   bench/join.sh [RUNS] [REPEATS]      (default 500 rounds, 3 repeats)
#   PINIT=/path/to/pinit bench/join.sh  times that binary instead of build/pinit
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}
repeats=${2:-3}
pinit=${PINIT:-$PWD/build/pinit}
[ -n "${PINIT:-}" ] || [ -x "$pinit" ] || make -s
command -v nsenter >/dev/null || { echo "skipped: no nsenter (util-linux)"; exit 0; }
work=$(mktemp -d)
targets=()
cleanup() {
  for pid in "${targets[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 755 "$work"
timer=$work/spawntimer
cc -O2 -o "$timer" bench/spawntimer.c

modes=(root)
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && modes+=(rootless)
as() {
  local mode=$1
  shift
  if [ "$mode" = rootless ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}

# start_target MODE: starts the sandbox and sets $target to the host pid of its PID 1 (the sleep:
# the first descendant of the started job that runs it).
start_target() {
  local flags=(--fork --pid --mount-proc --uts --ipc --net --cgroup --time) pid child
  [ "$1" = root ] || flags=(--user --map-root-user "${flags[@]}")
  as "$1" unshare "${flags[@]}" sleep 100000 </dev/null >/dev/null 2>&1 &
  pid=$!
  targets+=("$pid")
  target=
  for _ in $(seq 200); do
    child=
    read -r child _ <"/proc/$pid/task/$pid/children" 2>/dev/null || true
    if [ -n "$child" ]; then
      [ "$(cat "/proc/$child/comm" 2>/dev/null)" = sleep ] && target=$child && targets+=("$child") && return
      pid=$child
      targets+=("$pid")
    fi
    sleep 0.02
  done
  echo "the target did not start" >&2
  exit 1
}

source bench/ratios.sh
for ((repeat = 1; repeat <= repeats; ++repeat)); do
  for mode in "${modes[@]}"; do
    start_target "$mode"
    # Both must really get in: the same net namespace as the target's, seen from inside.
    want=$(readlink "/proc/$target/ns/net")
    nsenter=("$(command -v nsenter)" -t "$target" -a)
    [ "$mode" = root ] || nsenter+=(--preserve-credentials)
    for cmd in "$pinit --join $target --" "${nsenter[*]}"; do
      # shellcheck disable=SC2086
      got=$(as "$mode" $cmd readlink /proc/self/ns/net)
      [ "$got" = "$want" ] || { echo "$cmd did not enter the target ($got, want $want)"; exit 1; }
    done
    echo
    echo "== [$repeat/$repeats] $mode, $runs rounds (ratio = / true alone; last column = / nsenter)"
    table=$(as "$mode" "$timer" -r 2 "$runs" "true alone" /bin/true \
      ::: "nsenter -t PID -a" "${nsenter[@]}" /bin/true \
      ::: "pinit --join PID" "$pinit" --join "$target" -- /bin/true)
    printf '%s\n' "$table"
    keep "pinit --join / nsenter -a, $mode (target <= 1.00x)" \
      "$(awk 'NR == 4 { v = $NF; sub(/x$/, "", v); print v }' <<<"$table")"
  done
done

echo
echo "== ratios over $repeats repeat(s) of $runs rounds: lowest - highest"
print_ranges 50
