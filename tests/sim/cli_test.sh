#!/usr/bin/env bash
# cli_test.sh - end-to-end tests of the neuspin executable.
#   usage: cli_test.sh NEUSPIN SOURCE_DIR
# Each check prints "ok - …" or "not ok - …"; the script ends with "N passed, M failed"
# and exits non-zero on any failure.
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
TOY="-a $SRC/tests/golden/toy2/arch.yaml -w $SRC/tests/golden/toy2/net.yaml"

# --- golden run: the toy2 layers.csv, worked out by hand in tests/sim/check_sim.cpp ---
"$NS" run $TOY -o "$T/g1" -q
check "toy2 run exits 0" "[ $? -eq 0 ]"
check "toy2 layers.csv equals the golden file" "diff -u $SRC/tests/golden/toy2/layers.csv $T/g1/layers.csv"
check "toy2 stats.csv equals the golden file" "diff -u $SRC/tests/golden/toy2/stats.csv $T/g1/stats.csv"
check "no temporary file is left" "[ -z \"\$(ls -A $T/g1 | grep -v -e '^layers.csv$' -e '^stats.csv$' -e '^run.json$')\" ]"

# --- determinism: same seed, byte-identical outputs and table ---
"$NS" run -w lenet5-mnist -T 3 --seed 7 -o "$T/d1" > "$T/d1.txt"
"$NS" run -w lenet5-mnist -T 3 --seed 7 -o "$T/d2" > "$T/d2.txt"
for f in layers.csv stats.csv run.json; do
  check "same seed gives the same $f" "cmp -s $T/d1/$f $T/d2/$f"
done
check "same seed gives the same table" "diff -q <(sed 's|$T/d[12]|DIR|g' $T/d1.txt) <(sed 's|$T/d[12]|DIR|g' $T/d2.txt) >/dev/null"
"$NS" run -w lenet5-mnist -T 3 --seed 8 -o "$T/d3" -q
check "another seed draws other masks" "! cmp -s $T/d1/layers.csv $T/d3/layers.csv"

# --- per-layer energies add up to the image total of run.json ---
sum=$(awk -F, 'NR > 1 { s += $10 } END { printf "%.17g", s }' "$T/d1/layers.csv")
tot=$(sed -n 's/.*"energy_pj": \([0-9.e+-]*\).*/\1/p' "$T/d1/run.json" | head -n 1)
check "layers.csv energies add up to run.json per_image energy_pj ($sum vs $tot)" \
  "awk -v a=$sum -v b=$tot 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-9 * b) }'"
rows=$(($(wc -l < "$T/d1/layers.csv") - 1))
check "layers.csv has a row per layer x pass (7 x 3 = 21, got $rows)" "[ $rows -eq 21 ]"

# --- every subcommand has --help; --version ---
for c in run compare validate config list; do
  "$NS" $c --help > "$T/h.txt"
  check "'$c --help' exits 0 and prints usage" "[ $? -eq 0 ] && grep -q '^usage: neuspin $c' $T/h.txt"
done
check "--version names neuspin" "\"$NS\" --version | grep -q '^neuspin '"

# --- bad input: one file:line:col line, exit 2, nothing written ---
expect_err() { # name, expected first stderr line, expected exit code, command...
  local name=$1 want=$2 code=$3
  shift 3
  "$@" > /dev/null 2> "$T/err.txt"
  local rc=$?
  local got
  got=$(head -n 1 "$T/err.txt")
  if [ "$rc" -eq "$code" ] && [ "$got" = "$want" ]; then ok "$name"; else
    bad "$name (exit $rc, first line: $got)"; fi
}
expect_err "-T 0 is refused" '<cmdline>:1:16: error: -T: expected integer in [1, 100000], got "0"' 2 \
  "$NS" run -T 0
expect_err "-m 3 is refused" '<cmdline>:1:16: error: -m: expected integer in [1, 2], got "3"' 2 \
  "$NS" run -m 3
expect_err "an unknown timing mode is refused" '<cmdline>:1:22: error: --timing: expected one of event, cycle or analytic, got "fast"' 2 \
  "$NS" run --timing fast
expect_err "an unknown option is refused" "<cmdline>:1:13: error: unknown option '--fast' for 'run' (see 'neuspin run --help')" 2 \
  "$NS" run --fast
expect_err "an unknown command is refused" "<cmdline>:1:9: error: unknown command 'jog' (expected run, compare, sweep, merge, plot, validate, config or list)" 2 \
  "$NS" jog
expect_err "a missing value is refused" "<cmdline>:1:13: error: -w: expected a value after it" 2 \
  "$NS" run -w
printf 'version: 1\nxbar:\n  rows: abc\n' > "$T/bad.yaml"
expect_err "a bad architecture gives file:line:col" \
  "$T/bad.yaml:3:9: error: xbar.rows: expected integer in [1, 4096], got \"abc\"" 2 \
  "$NS" run -a "$T/bad.yaml" -o "$T/never"
check "a refused run writes nothing" "[ ! -e $T/never ]"
expect_err "an unknown workload is refused" \
  "<cmdline>: error: no such file or built-in workload 'resnet99' (built-ins: lenet5-mnist, vgg-small-cifar10, resnet18-cifar10, vgg8-cifar10, resnet18-imagenet)" 2 \
  "$NS" run -w resnet99
printf 'version: 1\nchip: {tiles: 8}\n' > "$T/small.yaml"
"$NS" run -a "$T/small.yaml" -w resnet18-cifar10 -o "$T/never2" > /dev/null 2> "$T/err.txt"
rc=$?
check "a workload that does not fit exits 2 and names the missing tiles" \
  "[ $rc -eq 2 ] && grep -q 'missing' $T/err.txt && grep -q '^<builtin:resnet18-cifar10>:[0-9]*:[0-9]*: error: ' $T/err.txt"
check "a workload that does not fit writes nothing" "[ ! -e $T/never2 ]"

# --- outputs that cannot be written: exit 1, nothing half-written ---
"$NS" run -w lenet5-mnist -T 1 -o /dev/full/x -q 2> "$T/err.txt"
check "an output directory under a file is a clear error (exit 1)" "[ $? -eq 1 ] && grep -q '^neuspin: error: /dev/full/x' $T/err.txt"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
  "$NS" run -w lenet5-mnist -T 1 -o "$T/ro" -q 2> /dev/null
  check "an unwritable directory is exit 1" "[ $? -eq 1 ] && [ -z \"\$(ls -A $T/ro)\" ]"
fi

# --- validate and config ---
"$NS" validate "$SRC/configs/default.yaml" "$SRC/workloads/builtin/resnet18-cifar10.yaml" > "$T/v.txt"
check "validate accepts the default architecture and a built-in workload" "[ $? -eq 0 ] && [ \$(grep -c ': ok' $T/v.txt) -eq 2 ]"
"$NS" config > "$T/c.yaml"
"$NS" config -a "$T/c.yaml" > "$T/c2.yaml"
check "config output loads back to the same configuration" "[ -s $T/c.yaml ] && cmp -s $T/c.yaml $T/c2.yaml"

# --- every reference configuration loads and runs ---
for f in "$SRC"/configs/*.yaml "$SRC"/configs/schemes/*.yaml; do
  "$NS" run -a "$f" -w lenet5-mnist -T 1 -q 2> "$T/err.txt"
  check "$(basename "$(dirname "$f")")/$(basename "$f") runs" "[ $? -eq 0 ]"
done

# --- compare: every scheme side by side ---
"$NS" compare -T 1 -o "$T/cmp" > "$T/cmp.txt" 2> /dev/null
check "compare without arguments exits 0" "[ $? -eq 0 ]"
check "compare sets the nine schemes side by side" \
  "[ \$(sed -n 's/^scheme *//p' $T/cmp.txt | wc -w) -eq 9 ]"
rows=$(($(wc -l < "$T/cmp/compare.csv") - 1))
check "compare.csv has a row per architecture x layer (9 x 7 = 63, got $rows)" "[ $rows -eq 63 ]"
# LeNet-5 RNG modules, by hand: SpinDrop one per word-line pair: conv1 5*5*1 = 25,
# conv2 5*5*6 = 150, fc 400 + 120 + 84 -> 779; Spatial-SpinDrop one per input channel on
# convs (1 + 6) and one per input on fc -> 611; ScaleDrop one per Bayesian layer -> 5.
mods() { awk -F, -v a="$1" '$1 == a { s += $10 } END { print s }' "$T/cmp/compare.csv"; }
check "SpinDrop uses 779 modules on LeNet-5 (got $(mods spindrop))" "[ $(mods spindrop) -eq 779 ]"
check "Spatial-SpinDrop uses 611 (got $(mods spatial-spindrop))" "[ $(mods spatial-spindrop) -eq 611 ]"
check "ScaleDrop uses 5 (got $(mods scaledrop))" "[ $(mods scaledrop) -eq 5 ]"
check "the deterministic BNN draws no random bit" \
  "[ \$(awk -F, '\$1 == \"deterministic\" { s += \$11 } END { print s + 0 }' $T/cmp/compare.csv) -eq 0 ]"
expect_err "compare refuses an unknown architecture before running" \
  "<cmdline>: error: no such file or built-in architecture 'nope' (built-ins: default, spindrop, spatial-spindrop, scaledrop, affine-dropout, subset-vi, spinbayes, mc-dropout, mc-dropconnect, deterministic)" 2 \
  "$NS" compare spindrop nope

finish
