#!/bin/sh
# installed_test.sh BUILD_DIR SOURCE_DIR WORK_DIR CXX - installs BUILD_DIR into a fresh prefix
# under WORK_DIR, checks the installed headers, and builds and runs platform.cpp against the
# installed tree only (pkg-config; then find_package).  Everything it writes stays in WORK_DIR.
set -eu
build=$1 src=$2 work=$3 cxx=$4
mkdir -p "$work"
tmp=$(mktemp -d "$work/run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log"

# Public headers only, and none named like a system header.
test -f "$prefix/include/neuspin/ns_tlm.h" && test -f "$prefix/include/neuspin/ns_arbiter.h"
test -f "$prefix/lib/libneuspin_core.a" && test -f "$prefix/lib/libneuspin_tlm.a"
if ls "$prefix/include/neuspin" | grep -q '_int\.h$'; then
    echo "installed_test.sh: error: an internal header was installed" >&2
    exit 1
fi
for h in "$prefix"/include/neuspin/*.h "$prefix"/include/neuspin/base/*.h; do
    n=${h#"$prefix/include/neuspin/"}
    for d in /usr/include /usr/include/x86_64-linux-gnu /usr/include/c++/*; do
        if [ -e "$d/$n" ]; then
            echo "installed_test.sh: error: installed header $n shadows $d/$n" >&2
            exit 1
        fi
    done
done

# 1. pkg-config, a plain compiler line; nothing from the source or build tree.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046 # word splitting of the flags is intended
"$cxx" -std=c++17 -Wall -Wextra -Werror -o "$tmp/platform" "$src/platform.cpp" \
    $(pkg-config --cflags --libs neuspin)
"$tmp/platform"

# 2. find_package(neuspin).
cmake -S "$src/findpkg" -B "$tmp/fp" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_CXX_COMPILER="$cxx" >"$tmp/fp.log"
cmake --build "$tmp/fp" >>"$tmp/fp.log"
"$tmp/fp/platform"
