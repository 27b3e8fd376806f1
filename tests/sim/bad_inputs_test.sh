#!/usr/bin/env bash
# bad_inputs_test.sh - every bad input of the corpora through the neuspin executable: the
# exit status is 2, the first line on standard error is exactly the .expect file, and
# nothing is written.  Architecture files go through `run -a`, workload files through
# `run -w`, a <rule>.spec is the option's value itself (an unknown built-in name).  Also an
# unreadable file (skipped as root: root reads a file whatever its mode).
#   usage: bad_inputs_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
cd "$SRC" || exit 1 # the corpora's diagnostics name repository-relative paths

# name, expected first line, option, value
expect_refusal() {
  local name=$1 want=$2 opt=$3 val=$4 out="$T/never"
  "$NS" run "$opt" "$val" -q -o "$out" > "$T/stdout" 2> "$T/stderr"
  local rc=$?
  local got
  got=$(head -n 1 "$T/stderr")
  if [ "$rc" -ne 2 ]; then bad "$name: exit $rc, expected 2 ($got)"
  elif [ "$got" != "$want" ]; then bad "$name: first line differs"; echo "#  got:  $got"; echo "#  want: $want"
  elif [ -e "$out" ]; then bad "$name: the refused run created $out"
  elif [ -s "$T/stdout" ]; then bad "$name: the refused run printed to standard output"
  else ok "$name"; fi
  rm -rf "$out"
}

for dir_opt in tests/configs/bad:-a tests/configs/bad-workloads:-w; do
  dir=${dir_opt%%:*}
  opt=${dir_opt##*:}
  n=0
  for exp in "$dir"/*.expect; do
    rule=${exp%.expect}
    want=$(head -n 1 "$exp")
    if [ -e "$rule.yaml" ]; then
      expect_refusal "$rule.yaml" "$want" "$opt" "$rule.yaml"
    elif [ -e "$rule.spec" ]; then
      expect_refusal "$rule.spec ($opt $(head -n 1 "$rule.spec"))" "$want" "$opt" "$(head -n 1 "$rule.spec")"
    else
      bad "$exp has no .yaml or .spec input"
    fi
    n=$((n + 1))
  done
  if [ "$n" -ge 20 ]; then ok "$dir holds $n cases"; else bad "$dir holds only $n cases"; fi
done

# An unreadable file: a permission error, exit 2, one line.
if [ "$(id -u)" -ne 0 ]; then
  cp configs/default.yaml "$T/secret.yaml" && chmod 000 "$T/secret.yaml"
  expect_refusal "an unreadable architecture file" "$T/secret.yaml: error: cannot read file: Permission denied" -a "$T/secret.yaml"
  cp workloads/builtin/lenet5-mnist.yaml "$T/secret-net.yaml" && chmod 000 "$T/secret-net.yaml"
  expect_refusal "an unreadable workload file" "$T/secret-net.yaml: error: cannot read file: Permission denied" -w "$T/secret-net.yaml"
else
  echo "ok - # SKIP unreadable files: running as root, which reads any file whatever its mode"
fi

# validate reports every bad file and exits 2; config -a refuses like run -a.
"$NS" validate tests/configs/bad/wrong_type.yaml tests/configs/bad-workloads/wl_does_not_fit.yaml > /dev/null 2> "$T/v.txt"
rc=$?
if [ $rc -eq 2 ] && [ "$(grep -c ': error: ' "$T/v.txt")" -eq 2 ]; then ok "validate reports both bad files (exit 2)"; else bad "validate: exit $rc, $(grep -c ': error: ' "$T/v.txt") errors"; fi
"$NS" config -a tests/configs/bad/deep_nesting.yaml > "$T/c.txt" 2> "$T/err.txt"
rc=$?
if [ $rc -eq 2 ] && [ "$(head -n 1 "$T/err.txt")" = "$(cat tests/configs/bad/deep_nesting.expect)" ] && [ ! -s "$T/c.txt" ]; then
  ok "config -a refuses deep nesting (exit 2, nothing printed)"; else bad "config -a deep nesting: exit $rc"; fi

finish
