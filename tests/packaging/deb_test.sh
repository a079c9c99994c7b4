#!/usr/bin/env bash
# Builds the .deb from a copy of the tree with `make packaging`'s build/packaging/debian as
# debian/, lints it, unpacks it and runs the packaged pinit. Exit 77 if the Debian build tools
# are missing.
# Usage: deb_test.sh REPO_ROOT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "${1:?usage: deb_test.sh REPO_ROOT}" && pwd)

command -v dpkg-buildpackage >/dev/null || skip "dpkg-buildpackage not installed (apt-get install dpkg-dev)"
command -v dh >/dev/null || skip "debhelper not installed (apt-get install debhelper)"
command -v lintian >/dev/null || skip "lintian not installed (apt-get install lintian)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pinit-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
version=$(pinit_version "$root")
arch=$(dpkg --print-architecture)

src=$tmp/pinit-$version
copy_tree "$root" "$src"
cd "$src"
echo "== make packaging"
make -s --no-print-directory packaging
render_check build/packaging
debversion=$(dpkg-parsechangelog -l build/packaging/debian/changelog -S Version)
[ "${debversion%-*}" = "$version" ] ||
    fail "make packaging wrote debian/changelog for $debversion but flags.mk builds $version"
cp -r build/packaging/debian debian
chmod 0755 debian/rules
deb=$tmp/pinit_${debversion}_${arch}.deb
if ! unmet=$(dpkg-checkbuilddeps 2>&1); then
    skip "unmet build dependencies: ${unmet##*: }"
fi

echo "== dpkg-buildpackage -b -us -uc"
if ! dpkg-buildpackage -b -us -uc >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    fail "dpkg-buildpackage failed"
fi
grep -iE '(warning|error):' "$tmp/build.log" || true
[ -f "$deb" ] || { ls -l "$tmp" >&2; fail "no $(basename "$deb")"; }
echo "built $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb -c "$deb"

echo "== lintian"
lint=$(lintian --display-info --pedantic "$deb" 2>&1) || true
[ -n "$lint" ] && printf '%s\n' "$lint"
if grep -q '^E: ' <<<"$lint"; then
    fail "lintian reported errors"
fi

echo "== unpacked"
dpkg -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/pinit
[ -x "$bin" ] || fail "usr/bin/pinit missing from the package"
got=$("$bin" --version)
echo "$got"
[[ $got == "pinit $version "* ]] || fail "--version printed '$got', want 'pinit $version ...'"
rc=0; "$bin" sh -c 'exit 3' || rc=$?
[ $rc -eq 3 ] || fail "packaged pinit sh -c 'exit 3' exited $rc"
manpage=$tmp/root/usr/share/man/man1/pinit.1.gz
[ -f "$manpage" ] || fail "usr/share/man/man1/pinit.1.gz missing from the package"
zcat "$manpage" | grep -q '^\.TH PINIT 1' || fail "pinit.1.gz is not pinit's man page"
echo "PASS: $(basename "$deb")"
