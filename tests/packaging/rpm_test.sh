#!/usr/bin/env bash
# Builds the .rpm with rpmbuild -bb --nodeps and `make packaging`'s pinit.spec from a
# pinit-VERSION.tar.gz of the working tree, checks its file list, unpacks it and runs the
# packaged pinit. Exit 77 if rpmbuild is missing.
# Usage: rpm_test.sh REPO_ROOT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "${1:?usage: rpm_test.sh REPO_ROOT}" && pwd)

command -v rpmbuild >/dev/null || skip "rpmbuild not installed (apt-get install rpm)"
command -v rpm2cpio >/dev/null || skip "rpm2cpio not installed (apt-get install rpm2cpio)"
command -v cpio >/dev/null || skip "cpio not installed (apt-get install cpio)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pinit-rpm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
version=$(pinit_version "$root")

# What `git archive --prefix=pinit-VERSION/ HEAD` would hold, taken from the working tree.
copy_tree "$root" "$tmp/pinit-$version"
echo "== make packaging"
make -s --no-print-directory -C "$tmp/pinit-$version" packaging
render_check "$tmp/pinit-$version/build/packaging"
spec=$tmp/pinit.spec
mv "$tmp/pinit-$version/build/packaging/rpm/pinit.spec" "$spec"
rm -rf "$tmp/pinit-$version/build"
specversion=$(sed -n 's/^Version: *//p' "$spec")
[ "$specversion" = "$version" ] ||
    fail "make packaging wrote pinit.spec for $specversion but flags.mk builds $version"
mkdir -p "$tmp/SOURCES"
tar -C "$tmp" -czf "$tmp/SOURCES/pinit-$version.tar.gz" "pinit-$version"
rm -rf "$tmp/pinit-$version"

echo "== rpmbuild -bb --nodeps"
if ! rpmbuild -bb --nodeps --define "_topdir $tmp" "$spec" >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    fail "rpmbuild failed"
fi
grep -iE '(warning|error):' "$tmp/build.log" || true
rpms=("$tmp"/RPMS/*/pinit-"$version"-*.rpm)
[ -f "${rpms[0]}" ] || { find "$tmp/RPMS" >&2; fail "no pinit-$version-*.rpm"; }
rpmfile=${rpms[0]}
echo "built $(basename "$rpmfile"), $(stat -c %s "$rpmfile") bytes"
files=$(rpm -qlp "$rpmfile" 2>/dev/null)
echo "$files"
grep -qx /usr/bin/pinit <<<"$files" || fail "/usr/bin/pinit not in the rpm"
grep -Eqx '/usr/share/man/man1/pinit\.1(\.gz)?' <<<"$files" || fail "pinit.1 not in the rpm"

echo "== unpacked"
mkdir "$tmp/root"
(cd "$tmp/root" && rpm2cpio "$rpmfile" | cpio -idm --quiet)
got=$("$tmp/root/usr/bin/pinit" --version)
echo "$got"
[[ $got == "pinit $version "* ]] || fail "--version printed '$got', want 'pinit $version ...'"
rc=0; "$tmp/root/usr/bin/pinit" sh -c 'exit 3' || rc=$?
[ $rc -eq 3 ] || fail "packaged pinit sh -c 'exit 3' exited $rc"
echo "PASS: $(basename "$rpmfile")"
