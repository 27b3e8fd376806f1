#!/usr/bin/env bash
# eval_sweep_test.sh - sweeps that evaluate a trained model at every point (the `eval:`
# block of a sweep file, docs/sweeps.md) and their accuracy plots, end to end:
#   - each point's summary figures equal what `neuspin eval` gives for the same settings run
#     on its own (an independent path through the CLI: the printed accuracy and eval.csv);
#   - the summary's energy is eval's energy (two code paths: sweep_inproc.c, eval.c);
#   - -j 1 and -j 2, and an interrupted sweep continued with --resume, are byte-identical;
#     two shards merged equal the whole;
#   - a model axis runs each model on its scheme's built-in architecture;
#   - bad eval keys are refused at their file:line:col, nothing run;
#   - `neuspin plot` draws accuracy-energy and accuracy-axis with one series per line;
#   - the committed eval sweeps (configs/sweeps/lenet5-{variation,psum}.yaml) load and check.
#   usage: eval_sweep_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$SRC/tests/lib.sh"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN
TR=$SRC/workloads/trained
M=$TR/lenet5-spindrop.onnx
MS=$TR/lenet5-spatial_spindrop.onnx
[ -f "$M" ] && [ -f "$MS" ] || { echo "no committed models: skipped"; exit 77; }
# Fashion-MNIST when installed, else the committed digits (the numbers must agree either way)
FM=/usr/share/datasets/fashion-mnist
if [ -f "$FM/t10k-images-idx3-ubyte.gz" ]; then
  IMG=$FM/t10k-images-idx3-ubyte.gz LAB=$FM/t10k-labels-idx1-ubyte.gz
else
  IMG=$TR/ood/digits-images-idx3-ubyte.gz LAB=$TR/ood/digits-labels-idx1-ubyte.gz
fi

# --- three points of resistance spread, 150 images, T = 4, one OOD set ---
cat > "$T/s.yaml" <<EOF
version: 1
base: {T: 4, seed: 7}
eval: {model: $M, count: 150, ood: noise, images: $IMG, labels: $LAB}
axes:
  - {key: variation.r_sigma_rel, values: [0, 0.3, 0.5]}
EOF
"$NS" sweep "$T/s.yaml" -o "$T/j1" -j 1 2> "$T/j1.err"
rc=$?
check "an eval sweep exits 0 (got $rc)" "[ $rc -eq 0 ] || cat $T/j1.err"
check "the summary has the eval columns between edap and status" \
  "[ \"\$(head -1 $T/j1/summary.csv)\" = 'point,variation.r_sigma_rel,seed,energy_pj,latency_ns,rng_modules,rng_bits,memory_bits,tiles,area_mm2,edap,accuracy,nll,ece,brier,entropy,mi,ood_noise_rate,ood_noise_auroc,status,error' ]"
check "three ok rows" "[ \$(grep -c ',ok,\$' $T/j1/summary.csv) -eq 3 ]"
check "each point kept eval.csv and eval.json" \
  "[ -s $T/j1/points/0000/eval.csv ] && [ -s $T/j1/points/0002/eval.json ]"

# Each point again through `neuspin eval` with its overrides and seed (the summary's seed
# column): the same figures.  Columns: summary 12-19 = eval.csv 6-13 (accuracy .. ood).
for i in 0 1 2; do
  row=$(sed -n "$((i + 2))p" "$T/j1/summary.csv")
  v=$(echo "$row" | cut -d, -f2)
  seed=$(echo "$row" | cut -d, -f3)
  "$NS" eval -w "$M" -p variation.r_sigma_rel="$v" -T 4 --seed "$seed" -n 150 --ood noise \
    --images "$IMG" --labels "$LAB" -o "$T/e$i" > "$T/e$i.txt" 2>&1
  check "point $i: neuspin eval on its own exits 0" "[ $? -eq 0 ] || cat $T/e$i.txt"
  got=$(echo "$row" | cut -d, -f12-19)
  want=$(sed -n 2p "$T/e$i/eval.csv" | cut -d, -f6-13)
  check "point $i (r_sigma_rel=$v): summary figures = eval.csv's ($want)" "[ '$got' = '$want' ]"
  acc=$(echo "$row" | cut -d, -f12 | awk '{ printf "%.2f", 100 * $1 }')
  check "point $i: summary accuracy = the accuracy eval prints ($acc %)" \
    "grep -q '^  accuracy $acc %' $T/e$i.txt"
  # energy: the sweep's in-process analytic cost (pJ) against eval's own (uJ, 10 digits)
  e_sweep=$(echo "$row" | cut -d, -f4)
  e_eval=$(sed -n 2p "$T/e$i/eval.csv" | cut -d, -f14)
  check "point $i: summary energy = eval's ($e_sweep pJ, $e_eval uJ)" \
    "awk -v a=$e_sweep -v b=$e_eval 'BEGIN { d = a / (b * 1e6) - 1; exit !(d < 1e-9 && d > -1e-9) }'"
done
a0=$(sed -n 2p "$T/j1/summary.csv" | cut -d, -f12)
a2=$(sed -n 4p "$T/j1/summary.csv" | cut -d, -f12)
check "a resistance spread of 0.5 costs accuracy ($a0 -> $a2)" \
  "awk -v a=$a0 -v b=$a2 'BEGIN { exit !(b < a) }'"

"$NS" sweep "$T/s.yaml" -o "$T/j2" -j 2 2> /dev/null
check "-j 2: summary byte-identical to -j 1" "cmp -s $T/j1/summary.csv $T/j2/summary.csv"
check "-j 2: sweep.json byte-identical" "cmp -s $T/j1/sweep.json $T/j2/sweep.json"
NEUSPIN_SWEEP_STOP_AFTER=1 "$NS" sweep "$T/s.yaml" -o "$T/r" -j 1 2> /dev/null
rc=$?
check "a sweep stopped after one point exits 130 (got $rc)" "[ $rc -eq 130 ]"
check "… its summary holds that point" "[ \$(grep -c ',ok,\$' $T/r/summary.csv) -eq 1 ]"
"$NS" sweep "$T/s.yaml" -o "$T/r" --resume -j 2 2> "$T/r.err"
check "--resume runs the two others" "grep -q 'resume: 1 of 3 points already complete, 2 to run' $T/r.err"
check "--resume: summary byte-identical to the uninterrupted one" \
  "cmp -s $T/j1/summary.csv $T/r/summary.csv"
for k in 0 1; do "$NS" sweep "$T/s.yaml" -o "$T/sh" --shard $k/2 2> /dev/null; done
"$NS" merge "$T/sh" -o "$T/shm" 2> /dev/null
check "two shards merged: the whole summary" "cmp -s $T/j1/summary.csv $T/shm/summary.csv"

# --- a model axis: each model on its own scheme's architecture ---
cat > "$T/m.yaml" <<EOF
version: 1
base: {T: 2}
eval: {count: 20, ood: none, images: $IMG, labels: $LAB}
axes:
  - {key: model, values: [$M, $MS]}
EOF
"$NS" sweep "$T/m.yaml" --dry-run > "$T/m.dry"
check "model axis: SpinDrop runs on -a spindrop" "grep -q ' -w $M -a spindrop ' $T/m.dry"
check "model axis: Spatial-SpinDrop on -a spatial-spindrop" \
  "grep -q ' -w $MS -a spatial-spindrop ' $T/m.dry"
"$NS" sweep "$T/m.yaml" -o "$T/m" 2> /dev/null
check "model axis: two ok points" "[ \$(grep -c ',ok,\$' $T/m/summary.csv) -eq 2 ]"
# SpinDrop: a module per word-line pair; Spatial-SpinDrop: per feature map (fewer)
check "model axis: Spatial-SpinDrop has fewer dropout modules than SpinDrop" \
  "awk -F, 'NR == 2 { a = \$5 } NR == 3 { b = \$5 } END { exit !(b < a) }' $T/m/summary.csv"

# --- bad eval keys: file:line:col, exit 2, nothing run ---
refuse() { # name, expected first line, sweep file text
  printf '%s\n' "$3" > "$T/bad.yaml"
  "$NS" sweep "$T/bad.yaml" -o "$T/bad" > /dev/null 2> "$T/bad.err"
  local rc=$? want=$2
  check "$1: exit 2 (got $rc)" "[ $rc -eq 2 ]"
  check "$1: '$2'" '[ "$(head -1 "$T/bad.err")" = "$want" ] || { head -1 "$T/bad.err"; false; }'
  check "$1: nothing run" "[ ! -e $T/bad ]"
}
refuse "unknown eval key" "$T/bad.yaml:4:3: error: eval: unknown key 'cuont', did you mean 'count'?" \
"version: 1
eval:
  model: $M
  cuont: 5"
refuse "eval.count 0" "$T/bad.yaml:4:10: error: eval.count: must be between 1 and 4294967295 inclusive, got 0" \
"version: 1
eval:
  model: $M
  count: 0"
refuse "a workload axis with eval" "$T/bad.yaml:3:14: error: axes[0].key: 'workload': an eval sweep's network is its trained model, fixed by its weights; sweep models with a 'model' axis" \
"version: 1
eval: {model: $M}
axes: [{key: workload, values: [lenet5-mnist]}]"
refuse "a model that is not ONNX" "$T/bad.yaml:2:15: error: eval.model: expected a trained model, an .onnx file, got \"lenet5-mnist\"" \
"version: 1
eval: {model: lenet5-mnist}"
refuse "no model" "$T/bad.yaml:2:7: error: eval.model: is required but not given (or give the models as a model axis)" \
"version: 1
eval: {count: 5}"
refuse "a model axis without eval" "$T/bad.yaml:2:14: error: axes[0].key: a 'model' axis evaluates trained models: it needs an eval block (eval: {count: N})" \
"version: 1
axes: [{key: model, values: [$M]}]"
refuse "an unknown OOD set" "$T/bad.yaml:4:16: error: eval.ood: expected noise, rotate[:LO:HI], idx:FILE or none, got \"blur\"" \
"version: 1
eval:
  model: $M
  ood: [noise, blur]"

# --- plots: accuracy vs energy, accuracy vs the numeric axis ---
if command -v gnuplot > /dev/null; then
  "$NS" plot "$T/j1" -o "$T/pl" > "$T/pl.txt" 2>&1
  check "plot of an eval sweep exits 0" "[ $? -eq 0 ] || cat $T/pl.txt"
  for f in accuracy-energy.svg accuracy-energy.png accuracy-energy.dat accuracy-axis.svg accuracy-axis.png accuracy-axis.dat; do
    check "plot writes $f" "[ -s $T/pl/$f ]"
  done
  check "accuracy-energy.svg is well-formed XML" "xmllint --noout $T/pl/accuracy-energy.svg"
  # 3 points coloured by the one axis (3 values): 3 markers + 3 in the key (pt 7 = gpPt6)
  n=$(grep -o "xlink:href='#gpPt6'" "$T/pl/accuracy-energy.svg" | wc -l)
  check "accuracy-energy draws 3 points in 3 series ($n markers)" "[ $n -eq 6 ]"
  n=$(grep -c '^# line:' "$T/pl/accuracy-axis.dat")
  check "accuracy-axis: one line (nothing else varies; got $n)" "[ $n -eq 1 ]"
  check "accuracy-axis: x is variation.r_sigma_rel, accuracy in %" \
    "[ \"\$(sed -n 3p $T/pl/accuracy-axis.dat | cut -f2,3)\" = \"\$(printf 'variation.r_sigma_rel\taccuracy_pct')\" ]"
  want=$(awk -F, 'NR > 1 { printf "%s %.10g\n", $2, 100 * $12 }' "$T/j1/summary.csv")
  got=$(grep '^[0-9]' "$T/pl/accuracy-axis.dat" | awk -F'\t' '{ print $2, $3 }')
  check "accuracy-axis: the summary's accuracies, in %" "[ \"$want\" = \"$got\" ]"
  "$NS" plot "$T/m" -o "$T/pm" > /dev/null 2>&1
  check "plot of the model-axis sweep exits 0" "[ $? -eq 0 ]"
  n=$(grep -c '^# group:' "$T/pm/accuracy-energy.dat")
  check "accuracy-energy: a series per model (2, got $n)" "[ $n -eq 2 ]"
  check "no accuracy-axis without a numeric axis" "[ ! -e $T/pm/accuracy-axis.dat ]"
  # a sweep of two numeric axes: x = the one with more values, a line per value of the other
  cat > "$T/two.yaml" <<EOF
version: 1
base: {T: 2, seed: 1}
eval: {model: $M, count: 20, ood: none, images: $IMG, labels: $LAB}
axes:
  - {key: dropout.trim_bits, values: [0, 8]}
  - {key: variation.r_sigma_rel, values: [0, 0.2, 0.4]}
EOF
  "$NS" sweep "$T/two.yaml" -o "$T/two" -j 2 2> /dev/null
  "$NS" plot "$T/two" -o "$T/ptwo" > /dev/null 2>&1
  check "two numeric axes: plot exits 0" "[ $? -eq 0 ]"
  n=$(grep -c '^# line:' "$T/ptwo/accuracy-axis.dat")
  check "accuracy-axis: a line per dropout.trim_bits value (2, got $n)" "[ $n -eq 2 ]"
  check "… against variation.r_sigma_rel" "grep -q 'Accuracy vs variation.r_sigma_rel' $T/ptwo/accuracy-axis.labels"
  n=$(grep -o "xlink:href='#gpPt6'" "$T/ptwo/accuracy-axis.svg" | wc -l)
  check "accuracy-axis.svg: 6 points in 2 series ($n markers)" "[ $n -eq 8 ]"
else
  bad "gnuplot is not installed (scripts/setup installs gnuplot-nox)"
fi

# --- the committed eval sweeps load, and every point checks ---
if [ -f "$FM/t10k-images-idx3-ubyte.gz" ]; then
  for f in lenet5-variation:48 lenet5-psum:27; do
    "$NS" sweep "$SRC/configs/sweeps/${f%:*}.yaml" --dry-run > "$T/dry.txt" 2> "$T/dry.err"
    rc=$?
    check "configs/sweeps/${f%:*}.yaml checks (exit $rc)" "[ $rc -eq 0 ] || cat $T/dry.err"
    check "… ${f#*:} neuspin eval points" "[ \$(grep -c '^neuspin eval ' $T/dry.txt) -eq ${f#*:} ]"
  done
fi
finish
