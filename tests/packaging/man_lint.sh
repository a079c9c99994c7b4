#!/usr/bin/env bash
# Lints pinit.1: man-db/groff warnings (any stderr output fails) and mandoc -T lint (any
# WARNING or worse fails; STYLE notes are shown, not fatal). Exit 77 if a linter is missing.
# Usage: man_lint.sh REPO_ROOT
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=${1:?usage: man_lint.sh REPO_ROOT}
page=$root/pinit.1
[ -f "$page" ] || fail "$page is missing"
# A fixed locale that always exists, so man does not warn about the caller's.
export LC_ALL=C.UTF-8 MANWIDTH=80

missing=()
if command -v man >/dev/null; then
    err=$(man --warnings -l "$page" 2>&1 >/dev/null)
    rc=$?
    if [ -n "$err" ] || [ $rc -ne 0 ]; then
        printf '%s\n' "$err" >&2
        fail "man --warnings -l pinit.1: exit $rc, stderr above"
    fi
    echo "ok: man --warnings -l pinit.1"
else
    missing+=("man (man-db)")
fi

if command -v mandoc >/dev/null; then
    out=$(mandoc -T lint -W style "$page" 2>&1)
    rc=$?
    [ -n "$out" ] && printf '%s\n' "$out"
    if grep -Eq ': (WARNING|ERROR|UNSUPP|BADARG|SYSERR):' <<<"$out" || [ $rc -ge 2 ]; then
        fail "mandoc -T lint pinit.1: exit $rc, messages above"
    fi
    echo "ok: mandoc -T lint pinit.1"
else
    missing+=("mandoc")
fi

[ ${#missing[@]} -eq 0 ] || skip "not installed: ${missing[*]} (apt-get install man-db mandoc)"
