#!/usr/bin/env bash
# Start-up cost of pinit against running the command alone and against the peers that are
# installed (tini-static, dumb-init, catatonit): interleaved runs, medians, ratios; then pinit's
# own system calls from execve to exit. Prints figures; never passes or fails on a time.
#   bench/startup.sh [RUNS]   (default 500; needs a C compiler; strace optional)
#   PINIT=/path/to/pinit bench/startup.sh   times that binary instead of build/pinit
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}
pinit=${PINIT:-$PWD/build/pinit}
[ -n "${PINIT:-}" ] || [ -x "$pinit" ] || make -s
timer=$(mktemp -d)/spawntimer
trap 'rm -rf "$(dirname "$timer")"' EXIT
cc -O2 -o "$timer" bench/spawntimer.c

true_bin=/bin/true
set -- "true alone" "$true_bin" ::: "pinit -- true" "$pinit" -- "$true_bin"
for peer in "tini-static:-s --" dumb-init: catatonit:--; do
  name=${peer%%:*} sep=${peer#*:}
  path=$(command -v "$name" || true)
  [ -n "$path" ] && set -- "$@" ::: "$name $sep true" "$path" $sep "$true_bin"
done
echo "== entrypoint mode: $runs interleaved runs each (ratio = median / true alone)"
"$timer" "$runs" "$@"

if command -v unshare >/dev/null && unshare --fork --pid --mount-proc true 2>/dev/null; then
  unshare=$(command -v unshare)
  echo
  echo "== as PID 1 of a new PID namespace (ratio = median / unshare alone)"
  "$timer" "$runs" "unshare -fp --mount-proc true" "$unshare" -fp --mount-proc "$true_bin" \
    ::: "unshare ... pinit -- true" "$unshare" -fp --mount-proc "$pinit" -- "$true_bin"
fi

if command -v strace >/dev/null; then
  echo
  trace=$(dirname "$timer")/trace
  strace -o "$trace" "$pinit" -- "$true_bin"
  echo "== pinit's own system calls, execve to exit: $(grep -vc '^+++' "$trace")"
  sed -E 's/\(.*//' "$trace" | grep -v '^+++' | paste -sd' '
fi

# --new-ns: launch into new pid+mnt namespaces with a fresh /proc, root and rootless, against a
# minimal launcher, unshare and bwrap: bench/launch.sh, one repeat here.
echo
PINIT=$pinit bench/launch.sh "$runs" 1
