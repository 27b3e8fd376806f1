#!/usr/bin/env bash
# bench/yaml_anchors.sh - how long `neuspin validate` takes on a document with N anchors
# and N aliases (issue 9, item 7: libyaml's own composer searched a list of anchors for
# each one, so the time grew with N^2).  Not a test: nothing here fails on a number; the
# figures in docs/performance.md ("YAML anchors") come from it.  The document is
#   version: 1
#   anchors: [&a0 0, &a1 1, ...]      (one per line, block style)
#   aliases: [*a0, *a1, ...]
# and is refused at `anchors` (an unknown key) only after the whole document is loaded
# and every alias resolved, so the time is the loader's; the script checks that refusal.
#   usage: bench/yaml_anchors.sh [NEUSPIN] [N] [REPS]
#          (defaults build/sim/neuspin, 100000, 5; prints the median wall time of REPS runs)
set -euo pipefail
NS=${1:-build/sim/neuspin}
N=${2:-100000}
REPS=${3:-5}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
F=$TMP/anchors.yaml
awk -v n="$N" 'BEGIN {
  print "version: 1"; print "anchors:"; for (i = 0; i < n; i++) printf "  - &a%d %d\n", i, i
  print "aliases:"; for (i = 0; i < n; i++) printf "  - *a%d\n", i }' > "$F"
want="$F:2:1: error: unknown key 'anchors'"
walls=()
for _ in $(seq "$REPS"); do
  t0=$(date +%s.%N)
  rc=0
  "$NS" validate "$F" > /dev/null 2> "$TMP/err" || rc=$?
  t1=$(date +%s.%N)
  got=$(head -n 1 "$TMP/err")
  if [ "$rc" -ne 2 ] || [ "$got" != "$want" ]; then
    echo "yaml_anchors: unexpected result (exit $rc): $got" >&2
    exit 1
  fi
  walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
done
med=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
printf 'yaml_anchors: %d anchors + %d aliases (%d bytes): median of %d runs %.3f s\n' \
  "$N" "$N" "$(wc -c < "$F")" "$REPS" "$med"
