# Sourced by the benchmarks: ratios kept per label over the repeats, then printed as ranges.
#   keep LABEL VALUE      one more figure for LABEL (labels print in the order first kept)
#   print_ranges WIDTH    "LABEL  lowest x - highest x", LABEL padded to WIDTH
declare -A ratios
keys=()
keep() {
  [ -n "${ratios[$1]+set}" ] || keys+=("$1")
  ratios[$1]+="$2 "
}
print_ranges() {
  local key values sorted
  for key in "${keys[@]}"; do
    read -r -a values <<<"${ratios[$key]}"
    mapfile -t sorted < <(printf '%s\n' "${values[@]}" | sort -g)
    printf "%-${1}s %sx - %sx\n" "$key" "${sorted[0]}" "${sorted[-1]}"
  done
}
