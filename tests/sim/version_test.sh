#!/usr/bin/env bash
# version_test.sh - the version is stamped at build time, not at configure time:
#  - `neuspin --version` prints what `git describe --always --dirty --tags` prints for the
#    source tree now (a build configured before the last commit or edit would not), and
#    run.json records the same text;
#  - sim/cmd/version.cmake, run on a scratch repository, follows commits, edits and tags,
#    rewrites its output only when the text changes, and says "unknown" outside a checkout.
# Skipped (exit 77) when the source tree is not a git checkout or git is missing.
#   usage: version_test.sh NEUSPIN SOURCE_DIR CMAKE
set -u
NS=$1
SRC=$2
CMAKE=$3
. "$(dirname "$0")/../lib.sh"

if ! command -v git > /dev/null ||
  [ "$(git -C "$SRC" rev-parse --show-toplevel 2> /dev/null)" != "$(cd "$SRC" && pwd -P)" ]; then
  echo "ok - # SKIP $SRC is not a git checkout"
  exit 77
fi

# --- the built executable carries the source tree's describe ---
want=$(git -C "$SRC" describe --always --dirty --tags)
got=$("$NS" --version)
re='^neuspin [0-9]+\.[0-9]+\.[0-9]+ \((.*)\)$'
have=""
[[ $got =~ $re ]] && have=${BASH_REMATCH[1]}
check "neuspin --version is 'neuspin X.Y.Z ($want)' (got '$got')" '[ "$have" = "$want" ]'
text=${got#neuspin }
"$NS" run -w lenet5-mnist -T 1 -q -o "$T/run" 2> /dev/null
check "run.json records the same version" "grep -qF '\"version\": \"$text\",' $T/run/run.json"

# --- the stamping script on a scratch repository ---
stamp() { "$CMAKE" -DSRC="$1" -DOUT="$T/v.c" -DVERSION=9.8.7 -P "$SRC/sim/cmd/version.cmake"; }
stamped() { sed -n '/sim_version_describe/,/}/s/.*return "\(.*\)";/\1/p' "$T/v.c"; }
g() { git -C "$T/repo" -c user.name=t -c user.email=t@example.org "$@" > /dev/null 2>&1; }
mkdir "$T/repo"
g init -q && echo a > "$T/repo/f" && g add f && g commit -q -m one
c1=$(git -C "$T/repo" rev-parse --short HEAD)
stamp "$T/repo"
check "a fresh checkout is stamped with its commit ($c1, got $(stamped))" "[ \"\$(stamped)\" = $c1 ]"
check "the text joins version and describe" "grep -qF 'return \"9.8.7 ($c1)\";' $T/v.c"
before=$(stat -c %y "$T/v.c")
sleep 1.1 # one tick of a coarse file clock
stamp "$T/repo"
check "an unchanged version leaves the file alone (no rebuild)" "[ \"\$(stat -c %y $T/v.c)\" = \"$before\" ]"
echo b > "$T/repo/f"
stamp "$T/repo"
check "an edit makes it $c1-dirty (got $(stamped))" "[ \"\$(stamped)\" = $c1-dirty ]"
g commit -q -a -m two
c2=$(git -C "$T/repo" rev-parse --short HEAD)
stamp "$T/repo"
check "a commit is seen without re-running cmake ($c2, got $(stamped))" "[ \"\$(stamped)\" = $c2 ] && [ $c2 != $c1 ]"
g tag v1.2
stamp "$T/repo"
check "a tag is seen (got $(stamped))" "[ \"\$(stamped)\" = v1.2 ]"
mkdir "$T/repo/sub" "$T/plain"
stamp "$T/repo/sub"
check "a tree inside another checkout (an unpacked tarball) is unknown (got $(stamped))" \
  "[ \"\$(stamped)\" = unknown ]"
stamp "$T/plain"
check "a tree outside any checkout is unknown (got $(stamped))" "[ \"\$(stamped)\" = unknown ]"
finish
