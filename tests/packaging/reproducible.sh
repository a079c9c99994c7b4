#!/usr/bin/env bash
# Two clean builds of the same commit give byte-identical release files: `make dist` (every
# arch's binary, SHA256SUMS, the source tarball) in two clones at different paths, with a
# different time zone, locale and umask. Exit 77 if a cross compiler is missing.
# Usage: reproducible.sh REPO_ROOT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "${1:?usage: reproducible.sh REPO_ROOT}" && pwd)

command -v git >/dev/null || skip "git not installed"
git -C "$root" rev-parse --verify -q HEAD >/dev/null || skip "$root is not a git checkout"
for gnu in aarch64-linux-gnu arm-linux-gnueabihf; do
    command -v "$gnu-g++" >/dev/null || skip "$gnu-g++ not installed (see README, Install)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pinit-repro.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git clone -q --no-local "$root" "$tmp/one/pinit"
git clone -q --no-local "$root" "$tmp/second build/src/pinit-checkout"
echo "== make dist, twice ($(git -C "$root" rev-parse --short HEAD))"
(cd "$tmp/one/pinit" && TZ=UTC LC_ALL=C make -s dist) >"$tmp/one.log" 2>&1 ||
    { cat "$tmp/one.log" >&2; fail "make dist failed in $tmp/one/pinit"; }
(cd "$tmp/second build/src/pinit-checkout" && umask 077 && TZ=Asia/Kolkata LC_ALL=C.UTF-8 \
    make -s dist) >"$tmp/two.log" 2>&1 ||
    { cat "$tmp/two.log" >&2; fail "make dist failed in the second clone"; }

one=$tmp/one/pinit/dist
two="$tmp/second build/src/pinit-checkout/dist"
ls -l "$one"
files=$(cd "$one" && ls)
[ "$files" = "$(cd "$two" && ls)" ] || fail "the two dist/ hold different files"
for arch in x86_64 aarch64 armhf; do
    grep -q "pinit-$(pinit_version "$root")-$arch\$" "$one/SHA256SUMS" || fail "no $arch binary in SHA256SUMS"
done
(cd "$one" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not match dist/"
for f in $(grep -v '^SHA256SUMS$' <<<"$files") SHA256SUMS; do  # the file that differs first
    cmp "$one/$f" "$two/$f" || fail "$f differs between the two builds"
done
echo "reproducible: $(wc -l <"$one/SHA256SUMS") files byte-identical"
