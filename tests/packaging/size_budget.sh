#!/bin/bash
# The shipping binary is static and, when built against musl, within the size budget of
# DESIGN.md §7 (24 KiB, stripped). Usage: size_budget.sh PINIT_BINARY
set -euo pipefail
bin=$1
budget=24576
if readelf -lW "$bin" | grep -qE 'INTERP|DYNAMIC'; then
    echo "$bin is not static: it has an ELF interpreter or a dynamic section" >&2
    exit 1
fi
if ! "$bin" --version | grep -q '(musl, static)'; then
    echo "skipped: $bin is built against glibc (musl-tools not installed)"
    exit 77
fi
size=$(stat -c %s "$bin")
echo "$bin: $size bytes, budget $budget"
if ((size > budget)); then
    echo "over the size budget by $((size - budget)) bytes" >&2
    exit 1
fi
