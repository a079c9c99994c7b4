#!/bin/bash
# The shipping binary is static and, when built against musl, within the size budget of
# DESIGN.md §7 (32 KiB, stripped, with every feature of this wave) and free of stdio: the musl link points exit's stdio flush at
# nothing (flags.mk, src/main.cpp), so anything written through stdio would be lost.
# Usage: size_budget.sh PINIT_BINARY LINK_MAP
set -euo pipefail
bin=$1
map=$2
budget=32768
if readelf -lW "$bin" | grep -qE 'INTERP|DYNAMIC'; then
    echo "$bin is not static: it has an ELF interpreter or a dynamic section" >&2
    exit 1
fi
if ! "$bin" --version | grep -q '(musl, static)'; then
    echo "skipped: $bin is built against glibc (musl-tools not installed)"
    exit 77
fi
# The memory map part of the link map lists every section kept: none may come from stdio.
stdio=$(awk '/^Linker script and memory map/ { kept = 1 } kept' "$map" |
    grep -oE 'libc\.a\((std(in|out|err)|__stdio_write|__stdout_write|v?f?printf|puts|fputs|fwrite|putc|putchar|fflush)\.lo\)' |
    sort -u || true)
if [[ -n $stdio ]]; then
    echo "stdio is linked in, but exit does not flush it: ${stdio//$'\n'/ }" >&2
    exit 1
fi
size=$(stat -c %s "$bin")
echo "$bin: $size bytes, budget $budget"
if ((size > budget)); then
    echo "over the size budget by $((size - budget)) bytes" >&2
    exit 1
fi
