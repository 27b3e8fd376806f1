#!/usr/bin/env bash
# bench/same_outputs.sh BEFORE AFTER [OUT] - runs two neuspin binaries on the same cases and
# compares their layers.csv and stats.csv with cmp (issue 14: one arbiter; a refactoring of
# the engine must not change any output).  Cases: lenet5-mnist, vgg8-cifar10 and
# resnet18-cifar10 at T = 4 under both schedules and both arbitration policies, LeNet-5 T = 2
# in cycle timing, and the tests/timing contended cases (both schedules, both timings); and
# on three cases the --trace-tx lines (the `#` header aside) and the --vcd waveform (its
# date line aside).  Prints one line per case and the count of differences; exits 1 on any.
set -u
A=$1
B=$2
OUT=${3:-$(mktemp -d)}
SRC=$(cd "$(dirname "$0")/.." && pwd)
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
mkdir -p "$OUT"
CONTEND=$SRC/tests/timing/contend.yaml
MINI=$SRC/tests/timing/mini-resnet.yaml
{ grep -v '^#' "$CONTEND"; echo "chip: {arbitration: age}"; } > "$OUT/age.yaml"
{ grep -v '^#' "$CONTEND"; echo "chip: {arbitration: age, max_passes_ahead: 1}"; } > "$OUT/age-ahead1.yaml"
{ grep -v '^#' "$CONTEND"; echo "gbuf: {words: 100}"; } > "$OUT/small-gbuf.yaml"
diffs=0 n=0
case_() { # name, neuspin run arguments...
  local name=$1
  shift
  n=$((n + 1))
  "$A" run "$@" -q -o "$OUT/a-$name" > /dev/null 2>&1 || { echo "FAIL $name: before run failed"; diffs=$((diffs + 1)); return; }
  "$B" run "$@" -q -o "$OUT/b-$name" > /dev/null 2>&1 || { echo "FAIL $name: after run failed"; diffs=$((diffs + 1)); return; }
  local f bad=0
  for f in layers.csv stats.csv; do
    cmp -s "$OUT/a-$name/$f" "$OUT/b-$name/$f" || { echo "DIFF $name: $f"; bad=1; }
  done
  diffs=$((diffs + bad))
  [ $bad = 0 ] && echo "same $name"
}
for w in lenet5-mnist vgg8-cifar10 resnet18-cifar10; do
  for s in layer pipeline; do
    case_ "$w-$s" -w "$w" -T 4 --schedule "$s"
    case_ "$w-$s-age" -w "$w" -T 4 --schedule "$s" -p chip.arbitration=age
  done
done
case_ lenet5-cycle -w lenet5-mnist -T 2 --timing cycle
case_ lenet5-cycle-pipe-age -w lenet5-mnist -T 2 --timing cycle --schedule pipeline -p chip.arbitration=age
for s in layer pipeline; do
  for t in event cycle; do
    case_ "t-lenet-age-$s-$t" -a "$OUT/age.yaml" -w lenet5-mnist -T 3 --schedule $s --timing $t
    case_ "t-mini-age-ahead1-$s-$t" -a "$OUT/age-ahead1.yaml" -w "$MINI" -T 4 --schedule $s --timing $t
    case_ "t-lenet-small-gbuf-$s-$t" -a "$OUT/small-gbuf.yaml" -w lenet5-mnist -T 3 --schedule $s --timing $t
    case_ "t-toy2-$s-$t" -a "$SRC/tests/golden/toy2/arch.yaml" -w "$SRC/tests/golden/toy2/net.yaml" -T 2 --schedule $s --timing $t
    case_ "t-lenet-contend-$s-$t" -a "$CONTEND" -w lenet5-mnist -T 2 --schedule $s --timing $t
    case_ "t-mini-contend-$s-$t" -a "$CONTEND" -w "$MINI" -T 2 --schedule $s --timing $t
    for a in spatial-spindrop spinbayes subset-vi affine-dropout; do
      case_ "t-mini-$a-$s-$t" -a $a -w "$MINI" -T 3 --schedule $s --timing $t
    done
  done
done
wave() { # name, neuspin run arguments...: the transaction trace and the waveform
  local name=$1
  shift
  n=$((n + 1))
  local x
  for x in a b; do
    local ns=$A
    [ $x = b ] && ns=$B
    if ! "$ns" run "$@" -q --trace-tx "$OUT/$x-$name.tx" --vcd "$OUT/$x-$name.vcd" --vcd-max-mb 500 > /dev/null 2>&1; then
      echo "FAIL $name: run $x failed"
      diffs=$((diffs + 1))
      return
    fi
  done
  if cmp -s <(grep -v '^#' "$OUT/a-$name.tx") <(grep -v '^#' "$OUT/b-$name.tx") &&
    cmp -s <(sed 1,3d "$OUT/a-$name.vcd") <(sed 1,3d "$OUT/b-$name.vcd"); then
    echo "same $name (trace-tx, vcd)"
  else
    echo "DIFF $name: trace-tx or vcd"
    diffs=$((diffs + 1))
  fi
}
wave w-lenet-age-pipe -a "$OUT/age.yaml" -w lenet5-mnist -T 2 --schedule pipeline
wave w-lenet-contend-cycle -a "$CONTEND" -w lenet5-mnist -T 2 --schedule pipeline --timing cycle
wave w-resnet18-pipe -w resnet18-cifar10 -T 2 --schedule pipeline
echo "$n cases, $diffs with differences (outputs in $OUT)"
[ $diffs = 0 ]
