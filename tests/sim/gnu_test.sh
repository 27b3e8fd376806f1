#!/usr/bin/env bash
# gnu_test.sh - every command takes the GNU forms (--opt=value, --opt value, -T20, -qo DIR,
# --, help CMD) and the common options mean the same on run, compare and sweep; an
# !include outside the including file's tree needs --include-path.  Analytic timing only,
# so it runs in the build without SystemC too.
#   usage: gnu_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN
A=(--timing=analytic)

# --- the same run, spelled four ways: byte-identical outputs ---
"$NS" run "${A[@]}" -T 2 --seed 7 -q -o "$T/a"
"$NS" run --timing analytic -T2 --seed=7 -qo "$T/b"
"$NS" run --passes=2 --seed=7 --timing=analytic --quiet --output "$T/c"
"$NS" run -qT2 --seed 7 --timing analytic -o"$T/d"
for x in b c d; do
  check "spelling $x gives the same layers.csv and stats.csv" \
    "cmp -s $T/a/layers.csv $T/$x/layers.csv && cmp -s $T/a/stats.csv $T/$x/stats.csv"
done
check "--seed=7 reached the run" "grep -q '\"seed\": \"7\"' $T/b/run.json"

# --- two seeds: the chip (--device-seed, default 1) and the masks (--seed) ---
"$NS" run "${A[@]}" -T 2 --seed 7 --device-seed 5 -q -o "$T/ds"
check "run.json records both seeds" \
  "grep -q '\"seed\": \"7\"' $T/ds/run.json && grep -q '\"device_seed\": \"5\"' $T/ds/run.json"
check "the device seed defaults to 1 whatever --seed" "grep -q '\"device_seed\": \"1\"' $T/b/run.json"

# --- a dropout bit costs the supply energy at the layer's own p ---
for p in 0.1 0.5; do
  printf 'version: 1\nname: one\ninput: {c: 1, h: 4, w: 4}\nmc_samples: 1\nlayers:\n  - {name: f, type: fc, cout: 4, dropout: %s}\n' "$p" > "$T/p$p.yaml"
  "$NS" run "${A[@]}" -w "$T/p$p.yaml" -T 1 -q -o "$T/p$p"
done
# per drawn bit: e_drng_pj / rng_bits (columns 14 and 21 of layers.csv)
b5=$(awk -F, 'NR == 2 { printf "%.6f", $14 / $21 }' "$T/p0.5/layers.csv")
b1=$(awk -F, 'NR == 2 { printf "%.6f", $14 / $21 }' "$T/p0.1/layers.csv")
# at p = 0.5: SET 1.42935 + sense 0.0315 + RESET 1.3105 = 2.77135 pJ (docs/parameters.md),
# within 1 % for modules trimmed to 0.5 +- 0.03; a lower p needs less SET current and
# resets fewer MTJs
check "a bit at p = 0.5 costs 2.77135 pJ within 1 % ($b5)" \
  "awk -v b=$b5 'BEGIN { exit !(b > 2.7436 && b < 2.7991) }'"
check "a bit at p = 0.1 costs less ($b1 < $b5)" "awk -v a=$b1 -v b=$b5 'BEGIN { exit !(a < b) }'"

# --- -- ends the options: a file named like an option ---
mkdir -p "$T/dd" && cp "$SRC/configs/default.yaml" "$T/dd/-q"
(cd "$T/dd" && "$NS" validate -- -q > "$T/v.txt")
check "validate -- -q reads a file named -q" "grep -q '^-q: ok (architecture' $T/v.txt"

# --- help CMD and CMD --help print the same text, for every command ---
for c in run compare sweep merge plot validate config list; do
  "$NS" help "$c" > "$T/h1.txt"
  "$NS" "$c" --help > "$T/h2.txt"
  "$NS" "$c" -h > "$T/h3.txt"
  check "'neuspin help $c' equals '$c --help' and '$c -h'" \
    "[ -s $T/h1.txt ] && cmp -s $T/h1.txt $T/h2.txt && cmp -s $T/h1.txt $T/h3.txt && head -1 $T/h1.txt | grep -q '^usage: neuspin $c '"
done
"$NS" help nosuch 2> "$T/err.txt"
check "help of an unknown command is a usage error (exit $?)" "grep -q 'help: expected one command name' $T/err.txt"

# --- errors point at the offending text ---
"$NS" run --seed=x 2> "$T/err.txt"
check "--seed=x points at the x (column 20)" \
  "grep -qx '<cmdline>:1:20: error: --seed: expected integer in \\[0, 18446744073709551615\\], got \"x\"' $T/err.txt"
"$NS" run -qz 2> "$T/err.txt"
check "-qz points at the z (column 15)" \
  "grep -qx \"<cmdline>:1:15: error: unknown option '-z' for 'run' (see 'neuspin run --help')\" $T/err.txt"
"$NS" run --quiet=1 2> "$T/err.txt"
check "a flag given a value is refused" "grep -qx '<cmdline>:1:21: error: --quiet: takes no value' $T/err.txt"

# --- the common options on compare and sweep ---
"$NS" compare spindrop -a scaledrop -p xbar.rows=64 -T2 --seed=3 "${A[@]}" -o "$T/cmp" > "$T/cmp.txt"
check "compare takes -a beside positional architectures and -p for each (exit $?)" \
  "[ \$(grep -c '^spindrop\\|^scaledrop' $T/cmp/compare-totals.csv) -ge 2 ]"
"$NS" run -a scaledrop -p xbar.rows=64 -T2 --seed=3 "${A[@]}" -q -o "$T/one"
e_run=$(sed -n 's/.*"per_image".*"energy_pj": \([0-9.e+-]*\).*/\1/p' "$T/one/run.json")
e_cmp=$(awk -F, '$1 ~ /scaledrop/ { print $3 }' "$T/cmp/compare-totals.csv")
check "compare's scaledrop column is the run with the same options ($e_cmp vs $e_run)" \
  "awk -v a=$e_cmp -v b=$e_run 'BEGIN { exit !(a - b < 1e-6 * b && b - a < 1e-6 * b) }'"
"$NS" compare -p xbar.rows=0 spindrop 2> "$T/err.txt"
check "compare -p is checked against the schema (exit $?)" "grep -q '^<cmdline>:1:30: error: xbar.rows:' $T/err.txt"  # 19 + 10 + 1: the value's column
printf 'version: 1\nbase: {workload: lenet5-mnist, T: 1}\naxes:\n  - {key: xbar.cols, values: [64, 128]}\n' > "$T/s.yaml"
"$NS" sweep "$T/s.yaml" -o "$T/sw" -p xbar.rows=64 -T2 --seed=9 --device-seed 4 "${A[@]}" 2> /dev/null
check "sweep takes -p, -T, --seed, --device-seed and --timing as its base (exit $?)" \
  "grep -q '\"T\": 2, \"mapping\": 0, \"timing\": \"analytic\", \"device_seed\": \"4\", \"params\": \\[\"xbar.rows=64\"\\]' $T/sw/sweep.json && grep -q '\"master_seed\": \"9\"' $T/sw/sweep.json && grep -q 'rows: 64' $T/sw/inputs/arch.yaml"

# --- a file of the wrong kind says so ---
"$NS" run "${A[@]}" -a "$SRC/workloads/builtin/lenet5-mnist.yaml" 2> "$T/err.txt"
check "a network given as -a is named as one (exit $?)" \
  "grep -q 'lenet5-mnist.yaml:[0-9]*:1: error: this is a network file (it has .input., .layers.); give it with -w, not -a' $T/err.txt"
"$NS" run "${A[@]}" -w "$SRC/configs/default.yaml" 2> "$T/err.txt"
check "an architecture given as -w is named as one (exit $?)" \
  "grep -q 'default.yaml:[0-9]*:1: error: this is an architecture file' $T/err.txt"

# --- !include is confined unless --include-path widens it ---
mkdir -p "$T/inc/a" "$T/inc/shared"
printf 'rows: 128\n' > "$T/inc/shared/xbar.yaml"
printf 'version: 1\nname: inc\nxbar: !include ../shared/xbar.yaml\n' > "$T/inc/a/arch.yaml"
"$NS" validate "$T/inc/a/arch.yaml" 2> "$T/err.txt"
check "an !include outside the file's tree is refused (exit $?)" "grep -q 'outside the directory tree' $T/err.txt"
"$NS" validate -I "$T/inc/shared" "$T/inc/a/arch.yaml" > "$T/v.txt"
check "--include-path lets it in (exit $?)" "grep -q 'arch.yaml: ok' $T/v.txt"
"$NS" validate --include-path="$T/nope" "$T/inc/a/arch.yaml" 2> "$T/err.txt"
check "a missing --include-path is a usage error (exit $?)" "grep -q '^<cmdline>:1:.*--include-path:' $T/err.txt"
finish
