#!/usr/bin/env bash
# Builds the .deb for DEB_ARCH (default: the build machine's; another is a cross build with
# dpkg-buildpackage -a DEB_ARCH) from a copy of the tree with `make packaging`'s
# build/packaging/debian as debian/, lints it, unpacks it, checks the ELF machine of its pinit
# and runs that (a foreign one through binfmt_misc and qemu-user). Exit 77 if the Debian build
# tools are missing, or for a cross build the cross compiler, DEB_ARCH's musl-dev or a way to
# run DEB_ARCH's binaries.
# Usage: deb_test.sh REPO_ROOT [DEB_ARCH]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "${1:?usage: deb_test.sh REPO_ROOT [DEB_ARCH]}" && pwd)

command -v dpkg-buildpackage >/dev/null || skip "dpkg-buildpackage not installed (apt-get install dpkg-dev)"
command -v dh >/dev/null || skip "debhelper not installed (apt-get install debhelper)"
command -v lintian >/dev/null || skip "lintian not installed (apt-get install lintian)"

build_arch=$(dpkg --print-architecture)
arch=${2:-$build_arch}
# readelf -h's Class and Machine for the arch (armhf also says hard-float ABI in its Flags);
# qemu's name for it, as in binfmt_misc's qemu-NAME entries and qemu-NAME-static.
case $arch in
amd64) class=ELF64 machine='Advanced Micro Devices X86-64' qemu=x86_64 ;;
arm64) class=ELF64 machine=AArch64 qemu=aarch64 ;;
armhf) class=ELF32 machine=ARM qemu=arm ;;
*) fail "no .deb for $arch: debian/control builds amd64, arm64 and armhf" ;;
esac
cross=()  # dpkg-buildpackage's and dpkg-checkbuilddeps' -a for a cross build
run=()    # what runs the packaged pinit: itself, or qemu-user when binfmt_misc does not
if [ "$arch" != "$build_arch" ]; then
    cross=(-a "$arch")
    gnu=$(dpkg-architecture -a "$arch" -q DEB_HOST_GNU_TYPE 2>/dev/null)
    command -v "$gnu-g++" >/dev/null ||
        skip "no $gnu-g++ for the $arch cross build (apt-get install g++-$gnu)"
    if ! grep -qx enabled "/proc/sys/fs/binfmt_misc/qemu-$qemu" 2>/dev/null; then
        command -v "qemu-$qemu-static" >/dev/null ||
            skip "cannot run $arch binaries: no qemu-$qemu binfmt_misc entry nor qemu-$qemu-static (apt-get install qemu-user-static)"
        run=("qemu-$qemu-static")
    fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pinit-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
version=$(pinit_version "$root")

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
if ! unmet=$(dpkg-checkbuilddeps "${cross[@]}" 2>&1); then
    [ ${#cross[@]} -eq 0 ] || skip "unmet build dependencies for $arch: ${unmet##*: }"
    skip "unmet build dependencies: ${unmet##*: }"
fi

# nocheck for a cross build: dh warns at length that it cannot run tests there, though
# debian/rules runs none. Its dpkg-architecture warns that CC is not the cross compiler: the
# Makefile does not use CC.
[ ${#cross[@]} -eq 0 ] || export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }nocheck"
echo "== dpkg-buildpackage ${cross[*]:+${cross[*]} }-b -us -uc"
if ! dpkg-buildpackage "${cross[@]}" -b -us -uc >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    fail "dpkg-buildpackage failed"
fi
grep -iE '(warning|error):' "$tmp/build.log" || true
[ -f "$deb" ] || { ls -l "$tmp" >&2; fail "no $(basename "$deb")"; }
echo "built $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb -c "$deb"
debarch=$(dpkg-deb -f "$deb" Architecture)
[ "$debarch" = "$arch" ] || fail "$(basename "$deb") says Architecture: $debarch"

echo "== lintian"
# lintian (2.116) leaves its mldbm-elf-* files behind in TMPDIR: in $tmp, they go with it.
mkdir "$tmp/lintian"
lint=$(TMPDIR=$tmp/lintian lintian --display-info --pedantic "$deb" 2>&1) || true
[ -n "$lint" ] && printf '%s\n' "$lint"
if grep -q '^E: ' <<<"$lint"; then
    fail "lintian reported errors"
fi

echo "== unpacked"
dpkg -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/pinit
[ -x "$bin" ] || fail "usr/bin/pinit missing from the package"
! command -v file >/dev/null || file -b "$bin"
elf=$(readelf -h "$bin")
got_class=$(sed -n 's/^ *Class: *//p' <<<"$elf")
got_machine=$(sed -n 's/^ *Machine: *//p' <<<"$elf")
[ "$got_class $got_machine" = "$class $machine" ] ||
    fail "usr/bin/pinit is $got_class $got_machine, want $class $machine for $arch"
if [ "$arch" = armhf ] && ! grep -q 'Flags:.*hard-float ABI' <<<"$elf"; then
    fail "usr/bin/pinit is not hard-float: $(grep Flags: <<<"$elf")"
fi
# qemu-user (7.2) refuses PR_SET_CHILD_SUBREAPER: under it pinit says so on stderr and goes on.
[ ${#run[@]} -eq 0 ] || echo "(run through ${run[*]})"
got=$("${run[@]}" "$bin" --version)
echo "$got"
[[ $got == "pinit $version "* ]] || fail "--version printed '$got', want 'pinit $version ...'"
rc=0; "${run[@]}" "$bin" -- sh -c 'exit 3' || rc=$?
[ $rc -eq 3 ] || fail "packaged pinit -- sh -c 'exit 3' exited $rc"
manpage=$tmp/root/usr/share/man/man1/pinit.1.gz
[ -f "$manpage" ] || fail "usr/share/man/man1/pinit.1.gz missing from the package"
zcat "$manpage" | grep -q '^\.TH PINIT 1' || fail "pinit.1.gz is not pinit's man page"
echo "PASS: $(basename "$deb")"
