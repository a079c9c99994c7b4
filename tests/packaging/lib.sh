# Sourced by the packaging tests. Exit 77 is "skipped" for CTest (SKIP_RETURN_CODE).
# PINIT_PACKAGING_REQUIRED=1 (for CI) turns a missing tool into a failure instead.

skip() {
    if [ "${PINIT_PACKAGING_REQUIRED:-0}" = 1 ]; then
        echo "FAIL (PINIT_PACKAGING_REQUIRED=1): $*" >&2
        exit 1
    fi
    echo "SKIP: $*"
    exit 77
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The version the Makefile builds, from flags.mk ("PINIT_VERSION := 0.1.0").
pinit_version() {
    sed -n 's/^PINIT_VERSION *:= *\([^ ]*\).*/\1/p' "$1/flags.mk"
}

# render_check DIR: `make packaging` left no @NAME@ of the templates in DIR unfilled.
render_check() {
    local left
    if left=$(grep -rlE '@[A-Z_]+@' "$1"); then
        fail "make packaging left placeholders in: ${left//$'\n'/ }"
    fi
}

# copy_tree SRC DEST: the source tree without build output, .git or a stray debian/:
# the files git knows plus untracked ones it does not ignore; a plain copy without git.
copy_tree() {
    local src=$1 dest=$2
    mkdir -p "$dest"
    if command -v git >/dev/null && git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
            tar --null --no-recursion -T - -cf -) | tar -xf - -C "$dest"
    else
        (cd "$src" && tar --exclude=./build --exclude=./.git --exclude=./debian -cf - .) |
            tar -xf - -C "$dest"
    fi
    rm -rf "$dest/debian"
}
