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

# --- toy2's area, leakage and achieved dropout p, by hand (issue 11) ---
# Tile (defaults of configs/README.md; toy2: 8 x 4 crossbar, 2 columns per SA, psum 3 bits):
#   array 2 x 8 x 4 cells x (8 F x 4 F) at F = 40 nm: 64 x 0.32 x 0.16 = 3.2768 um^2
#   word-line drivers 2 x 8 x 2 um^2 = 32; SAs 2 x (30 + 2 x 2^3) + mux 4 x 0.5 = 94
#   tile 129.2768 um^2; static: drivers 16 x 1 nW = 0.016 uW + 2 SAs x 1 uW = 2.016 uW.
# Dropout module: 10 + (2^8 - 1) x 0.5 (trim units) + 8 x 4.522 (code bits) = 173.676 um^2.
# Shared: gbuf 1024 bits + scale_buf 128 bits at 0.346 / 0.5 = 0.692 um^2 per bit (797.184),
#   periphery 4 lanes x 140.448 = 561.792, bus 8 bits x 10 = 80 um^2; static 1152 bits x
#   0.05 nW = 0.0576 uW + 4 x 2 uW + 8 x 5 nW = 0.04 uW: 8.0976 uW.
# fc1 (2 tiles): area 258.5536 um^2, static 2 x 2.016 + 8.0976 = 12.1296 uW, 30 ns per pass:
#   leak 12.1296 x 30 x 1e-3 = 0.363888 pJ.
# fc2 (1 tile, 4 modules): area 129.2768 + 4 x 173.676 = 823.9808 um^2, static 2.016 +
#   4 x 0.9 + 8.0976 = 13.7136 uW, 16 ns: leak 0.2194176 pJ.
# Chip: 8 tiles 1034.2144 + modules 694.704 + 797.184 + 561.792 + 80 = 3167.8944 um^2.
# fc2's 4 modules on device seed 1 achieve p = 0.503917017, 0.501235257, 0.497025844,
#   0.497841914 (drng_module_p): mean 2.000020032 / 4 = 0.500005008; deviations 3.912e-3,
#   1.230e-3, -2.979e-3, -2.163e-3, squares summing to 3.0370e-5, / 3 -> std 0.0031818.
check "toy2 fc1 leaks 0.363888 pJ per pass over 258.5536 um^2 at 12.1296 uW" \
  "awk -F, '\$2 == \"fc1\" && \$19 == 0.363888 && \$28 == 258.5536 && \$29 == 12.1296 { n++ } END { exit n != 2 }' $T/g1/layers.csv"
check "toy2 fc2 leaks 0.2194176 pJ per pass over 823.9808 um^2 at 13.7136 uW" \
  "awk -F, '\$2 == \"fc2\" && \$19 == 0.2194176 && \$28 == 823.9808 && \$29 == 13.7136 { n++ } END { exit n != 2 }' $T/g1/layers.csv"
check "toy2 fc1 has no dropout p (empty fields)" \
  "awk -F, '\$2 == \"fc1\" && \$30 == \"\" && \$31 == \"\" && \$32 == \"\" { n++ } END { exit n != 2 }' $T/g1/layers.csv"
check "toy2 fc2's achieved p: target 0.5, mean 0.500005008, std 0.0031818 of its 4 modules" \
  "awk -F, '\$2 == \"fc2\" && \$30 == 0.5 && \$31 - 0.500005008 < 1e-9 && 0.500005008 - \$31 < 1e-9 && \$32 - 0.0031818 < 1e-7 && 0.0031818 - \$32 < 1e-7 { n++ } END { exit n != 2 }' $T/g1/layers.csv"
check "toy2 run.json: chip 0.0031678944 mm^2, used 0.0025215104 (5 idle tiles less)" \
  "grep -q '\"area\": {\"chip_mm2\": 0.003167894399999' $T/g1/run.json && grep -q '\"used_mm2\": 0.00252151039999' $T/g1/run.json"

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
# Chip area by hand: the reference configurations share the chip but for the dropout
# modules (10 + 255 x 0.5 + 8 x 4.522 = 173.676 um^2 each): SpinDrop's 779 add
# 135293.604 um^2 = 0.135293604 mm^2 over the deterministic chip, ScaleDrop's 5 add 0.00086838.
area() { awk -F, -v a="$1" '$1 == a { print $9 }' "$T/cmp/compare-totals.csv"; }
check "SpinDrop's chip is 779 modules (0.135293604 mm^2) larger than the deterministic one" \
  "awk -v x=$(area spindrop) -v y=$(area deterministic) 'BEGIN { d = x - y - 0.135293604; exit !(d < 1e-8 && d > -1e-8) }'"
check "ScaleDrop's is 5 modules (0.00086838 mm^2) larger" \
  "awk -v x=$(area scaledrop) -v y=$(area deterministic) 'BEGIN { d = x - y - 0.00086838; exit !(d < 1e-8 && d > -1e-8) }'"
check "compare-totals.csv's EDAP is energy x latency x chip area" \
  "awk -F, 'NR > 1 { d = \$3 * \$4 * \$9 / \$10 - 1; if (d > 1e-8 || d < -1e-8) bad = 1 } END { exit bad }' $T/cmp/compare-totals.csv"
check "the compare table shows the chip area and EDAP" "grep -q '^area (chip) ' $T/cmp.txt && grep -q '^EDAP pJ ns mm2 ' $T/cmp.txt"
expect_err "compare refuses an unknown architecture before running" \
  "<cmdline>: error: no such file or built-in architecture 'nope' (built-ins: default, spindrop, spatial-spindrop, scaledrop, affine-dropout, subset-vi, spinbayes, mc-dropout, mc-dropconnect, deterministic)" 2 \
  "$NS" compare spindrop nope

# --- event and analytic agree on energy under the layer schedule, device spread included ---
# Both drop with the p the calibrated modules achieve on chip 1.  LeNet-5, T = 100: about
# 3.5 M mask bits at p ~ 0.2, so the sampled dropped fraction has a relative deviation of
# about 2e-4 on the crossbar and word-line share (~7 % of the energy): ~1.5e-5 on the
# total.  Bound 1e-4 (the nominal p gave -4.3e-4).
"$NS" run -T 100 --timing event -q -o "$T/ev"
"$NS" run -T 100 --timing analytic -q -o "$T/an"
e_ev=$(sed -n 's/.*"per_image".*"energy_pj": \([0-9.e+-]*\).*/\1/p' "$T/ev/run.json")
e_an=$(sed -n 's/.*"per_image".*"energy_pj": \([0-9.e+-]*\).*/\1/p' "$T/an/run.json")
check "event ($e_ev pJ) and analytic ($e_an pJ) agree within 1e-4" \
  "awk -v a=$e_an -v b=$e_ev 'BEGIN { d = (a - b) / b; exit !(d < 1e-4 && d > -1e-4) }'"

finish
