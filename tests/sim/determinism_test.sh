#!/usr/bin/env bash
# determinism_test.sh - the same seed gives the same bytes: every output of `neuspin run`
# (layers.csv, stats.csv, run.json, the printed table) and of `neuspin compare -o`, over
# repeated runs of every built-in scheme, from another working directory and locale; the
# event and cycle timing modes agree byte for byte, and the analytic mode on every column
# it shares with them (layer, pass, start cycle, cycles; docs/timing.md); a sweep gives
# the same points, traces and summary at -j 1 and -j 3.  (MPI rank counts: sweep_test.sh's
# mpi mode compares `mpirun -n 2` with the serial sweep, when built with MPI.)
#   usage: determinism_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
# Directories equal file by file, byte by byte, with the same file names.
same_dir() { diff -r -q "$1" "$2" > /dev/null && [ -n "$(ls -A "$1")" ]; }
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN

# --- repeated runs, every scheme ---
for a in default spindrop spatial-spindrop scaledrop affine-dropout subset-vi spinbayes \
         mc-dropout mc-dropconnect deterministic; do
  for k in 1 2 3; do
    "$NS" run -a "$a" -w lenet5-mnist -T 3 --seed 11 -o "$T/$a.$k" > "$T/$a.$k.txt"
  done
  sed -i "s|$T/$a\.[123]|OUT|g" "$T/$a".[123].txt # the table names the output directory
  check "$a: three runs, seed 11: identical layers.csv, stats.csv, run.json" \
    "same_dir $T/$a.1 $T/$a.2 && same_dir $T/$a.1 $T/$a.3"
  check "$a: identical tables" "cmp -s $T/$a.1.txt $T/$a.2.txt && cmp -s $T/$a.1.txt $T/$a.3.txt"
done
"$NS" run -a spindrop -w lenet5-mnist -T 3 --seed 12 -o "$T/other" -q
check "another seed gives other masks" "! cmp -s $T/spindrop.1/layers.csv $T/other/layers.csv"

# --- another directory, another locale, a larger network ---
"$NS" run -w resnet18-cifar10 -a mc-dropout -T 2 --seed 5 -q -o "$T/r1"
(cd / && LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 TZ=Asia/Tokyo "$NS" run -w resnet18-cifar10 -a mc-dropout -T 2 --seed 5 -q -o "$T/r2")
check "ResNet-18 from another directory, locale and time zone: identical outputs" "same_dir $T/r1 $T/r2"

# --- compare -o ---
"$NS" compare spindrop scaledrop spinbayes -w lenet5-mnist -T 2 --per-layer -o "$T/c1" > "$T/c1.txt"
"$NS" compare spindrop scaledrop spinbayes -w lenet5-mnist -T 2 --per-layer -o "$T/c2" > "$T/c2.txt"
check "compare -o: identical outputs" "same_dir $T/c1 $T/c2"
check "compare: identical tables" "diff -q <(sed 's|$T/c1|OUT|g' $T/c1.txt) <(sed 's|$T/c2|OUT|g' $T/c2.txt) > /dev/null"

# --- timing modes: the quantities they share ---
if "$NS" run --help | grep -q -- '--timing'; then
  for m in event cycle analytic; do
    "$NS" run -w lenet5-mnist -a spindrop -T 2 --seed 3 --timing "$m" -q -o "$T/t.$m"
  done
  check "event and cycle timing: identical layers.csv" "cmp -s $T/t.event/layers.csv $T/t.cycle/layers.csv"
  check "event and cycle timing: identical stats.csv" "cmp -s $T/t.event/stats.csv $T/t.cycle/stats.csv"
  check "analytic timing (layer schedule): the same layer, pass, start and cycle columns" \
    "cmp -s <(cut -d, -f1-8 $T/t.event/layers.csv) <(cut -d, -f1-8 $T/t.analytic/layers.csv)"
  "$NS" run -w lenet5-mnist -a spindrop -T 2 --seed 3 --timing analytic -q -o "$T/t.analytic2"
  check "analytic timing: repeated runs identical" "same_dir $T/t.analytic $T/t.analytic2"
else
  echo "ok - # SKIP timing modes: this neuspin has no --timing"
fi

# --- sweeps: -j 1 and -j 3 give the same bytes ---
if "$NS" sweep --help > /dev/null 2>&1; then
  cat > "$T/s.yaml" <<'YAML'
version: 1
base: {workload: lenet5-mnist, T: 2, seed: 9}
axes:
  - {key: xbar.rows, values: [64, 128]}
  - {key: dropout.impl, values: [spindrop, mc_dropout, spinbayes]}
  - {key: senseamp.psum_bits, values: [7]}   # SpinBayes' 3-MTJ cells: 32 rows x 3 = 96
YAML
  "$NS" sweep "$T/s.yaml" -o "$T/j1" -j 1 > /dev/null 2>&1
  r1=$?
  "$NS" sweep "$T/s.yaml" -o "$T/j3" -j 3 > /dev/null 2>&1
  r3=$?
  check "the sweep runs at -j 1 and -j 3 (exit $r1, $r3)" "[ $r1 -eq 0 ] && [ $r3 -eq 0 ]"
  check "-j 1 and -j 3: identical summary.csv" "cmp -s $T/j1/summary.csv $T/j3/summary.csv"
  n=0
  for p in "$T"/j1/points/*/; do
    id=$(basename "$p")
    for f in layers.csv stats.csv run.json; do
      cmp -s "$p/$f" "$T/j3/points/$id/$f" || { n=$((n + 1)); echo "# differs: points/$id/$f"; }
    done
  done
  check "-j 1 and -j 3: every point's layers.csv, stats.csv and run.json identical" \
    "[ $n -eq 0 ] && [ \$(ls $T/j1/points | wc -l) -eq 6 ]"
else
  echo "ok - # SKIP sweeps: this neuspin has no sweep command"
fi

finish
