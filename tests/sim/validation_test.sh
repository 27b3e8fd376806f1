#!/usr/bin/env bash
# validation_test.sh - docs/validation.md against the model: the tables between its
# "BEGIN validation:NAME" and "END validation:NAME" lines must be exactly what
# scripts/validation prints for this neuspin (the paper scenario of configs/paper/*.yaml on
# binary ResNet-18, analytic timing).  A drift test, like errors_doc for docs/errors.md: a
# model change that moves a figure fails here until the page is regenerated and reread.
#   usage: validation_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
fail=0
check() { # NAME COMMAND
  if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}

# Every paper-scenario file loads (configs/: every file is loaded by a test).
for f in "$SRC"/configs/paper/*.yaml; do
  check "configs/paper/$(basename "$f") validates" "\"$NS\" validate \"$f\" > /dev/null 2>&1"
done
check "configs/paper holds the five schemes of Table I" \
  "[ \$(ls \"$SRC\"/configs/paper/*.yaml | wc -l) -eq 5 ]"

# The page embeds four generated parts, each once.
for part in scenario components sensitivity onescheme; do
  check "docs/validation.md embeds the part $part" \
    "[ \$(grep -c '^<!-- BEGIN validation:$part ' \"$SRC/docs/validation.md\") -eq 1 ] &&
     [ \$(grep -c '^<!-- END validation:$part -->' \"$SRC/docs/validation.md\") -eq 1 ]"
done

# The drift check itself: scripts/validation --check regenerates every part and diffs.
check "docs/validation.md agrees with scripts/validation (regenerate: scripts/validation --write NEUSPIN)" \
  "bash \"$SRC/scripts/validation\" --check \"$NS\""

exit $fail
