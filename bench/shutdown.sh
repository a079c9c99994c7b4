#!/usr/bin/env bash
# How long pinit's shutdown takes for N lingering processes (default 1000): from the moment the
# main child exits to the moment pinit has reaped the last one and exited. Prints figures only.
#   bench/shutdown.sh [N] [REPEATS]   (root for the PID 1 rows: unshare -fp)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
repeats=${2:-5}
pinit=$PWD/build/pinit
[ -x "$pinit" ] || make -s
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/lingerer" tests/helpers/lingerer.c

# One run of `CMD... lingerer FLAGS -T N 0`: prints the milliseconds between the main child's
# exit and pinit's exit.
measure() {
  local flags=$1 out end start
  shift
  out=$("$@" "$work/lingerer" $flags -T "$n" 0)
  end=${EPOCHREALTIME/./}
  start=$(tail -n 1 <<<"$out")
  echo $(((end - start) / 1000))
}

# row LABEL LINGERER_FLAGS CMD...
row() {
  local label=$1 flags=$2 times=()
  shift 2
  for _ in $(seq "$repeats"); do times+=("$(measure "$flags" "$@")"); done
  printf '%-48s %5s ms  (runs: %s)\n' "$label" \
    "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((repeats + 1) / 2))p")" "${times[*]}"
}

echo "== shutdown of $n lingering processes, median of $repeats"
row "subreaper, they exit on TERM" "" "$pinit" -t 10 --
row "subreaper, they ignore TERM, grace 0 (KILL)" "-i" "$pinit" --
row "subreaper, as many more setsid daemons, TERM" "-s $n" "$pinit" -t 10 --
if unshare -fp --mount-proc true 2>/dev/null; then
  row "PID 1 (unshare -fp), they exit on TERM" "" unshare -fp --mount-proc "$pinit" -t 10 --
  row "PID 1 (unshare -fp), ignore TERM, grace 0" "-i" unshare -fp --mount-proc "$pinit" --
fi
