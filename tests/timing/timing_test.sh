#!/usr/bin/env bash
# timing_test.sh - the proof that the event mode is cycle-accurate (docs/timing.md):
# on small architectures and networks with contention, the event kernel and the clocked
# reference give byte-identical layers.csv and stats.csv (cycles per layer and pass, every
# action count, so every energy); the analytic mode gives the same cycles where nothing
# contends (the layer schedule) and never more than the event mode under the pipelined one.
#   usage: timing_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"

cycles_col() { awk -F, 'NR > 1 { print $1, $4, $8 }' "$1"; }   # layer pass cycles
end_cycles() { sed -n 's/.*"per_image": {"cycles": \([0-9]*\).*/\1/p' "$1/run.json"; }

# case: name, architecture, workload, T, schedule
run_case() {
  local name=$1 arch=$2 wl=$3 t=$4 sched=$5
  for mode in event cycle analytic; do
    "$NS" run -a "$arch" -w "$wl" -T "$t" --schedule "$sched" --timing "$mode" -q \
      -o "$T/$name-$mode" 2> "$T/$name-$mode.err" || { bad "$name: $mode run failed: $(head -n 1 "$T/$name-$mode.err")"; return; }
  done
  check "$name: event and cycle give the same layers.csv" "cmp -s $T/$name-event/layers.csv $T/$name-cycle/layers.csv"
  check "$name: event and cycle give the same stats.csv" "cmp -s $T/$name-event/stats.csv $T/$name-cycle/stats.csv"
  local ev an
  ev=$(end_cycles "$T/$name-event")
  an=$(end_cycles "$T/$name-analytic")
  if [ "$sched" = layer ]; then
    check "$name: analytic cycles equal event per layer and pass" \
      "diff <(cycles_col $T/$name-event/layers.csv) <(cycles_col $T/$name-analytic/layers.csv) > /dev/null"
    check "$name: analytic image latency equals event ($an vs $ev)" "[ '$an' = '$ev' ]"
  else
    check "$name: analytic lower bound $an <= event $ev" "[ $an -le $ev ]"
    check "$name: every layer's analytic busy cycles <= its event cycles" \
      "paste -d' ' <(cycles_col $T/$name-analytic/layers.csv) <(cycles_col $T/$name-event/layers.csv) | awk '\$3 > \$6 { bad = 1 } END { exit bad }'"
  fi
}

TOY_A=$SRC/tests/golden/toy2/arch.yaml
TOY_W=$SRC/tests/golden/toy2/net.yaml
CONTEND=$SRC/tests/timing/contend.yaml
MINI=$SRC/tests/timing/mini-resnet.yaml
for sched in layer pipeline; do
  run_case "toy2-$sched" "$TOY_A" "$TOY_W" 2 "$sched"
  run_case "lenet-contend-$sched" "$CONTEND" lenet5-mnist 2 "$sched"
  run_case "mini-contend-$sched" "$CONTEND" "$MINI" 2 "$sched"
  run_case "mini-spatial-$sched" spatial-spindrop "$MINI" 2 "$sched"
  run_case "mini-spinbayes-$sched" spinbayes "$MINI" 2 "$sched"
  run_case "mini-subsetvi-$sched" subset-vi "$MINI" 2 "$sched"
  run_case "mini-affine-$sched" affine-dropout "$MINI" 3 "$sched"
done

# The pipelined schedule overlaps layers and passes: shorter than the layer schedule, and
# on the contended case longer than the analytic bound (the queueing is real).
l=$(end_cycles "$T/lenet-contend-layer-event")
p=$(end_cycles "$T/lenet-contend-pipeline-event")
b=$(end_cycles "$T/lenet-contend-pipeline-analytic")
check "pipelining shortens LeNet-5 ($p < $l cycles)" "[ $p -lt $l ]"
check "contention delays the pipelined LeNet-5 beyond the bound ($p > $b)" "[ $p -gt $b ]"

# Prefix reuse: layers before the first Bayesian one run in pass 0 only.
cat > "$T/prefix.yaml" <<'YAML'
version: 1
name: prefix
input: {c: 1, h: 8, w: 8}
mc_samples: 4
layers:
  - {name: c1, type: conv, cout: 4, k: 3, pad: 1}
  - {name: c2, type: conv, cout: 4, k: 3, pad: 1}
  - {name: fc, type: fc, cout: 10, dropout: 0.5}
YAML
printf 'version: 1\nchip: {reuse_prefix: true}\n' > "$T/reuse.yaml"
"$NS" run -a "$T/reuse.yaml" -w "$T/prefix.yaml" -o "$T/reuse" > "$T/reuse.txt"
"$NS" run -w "$T/prefix.yaml" -o "$T/noreuse" -q
zero=$(awk -F, 'NR > 1 && $1 < 2 && $4 > 0 && $8 == 0' "$T/reuse/layers.csv" | wc -l)
check "prefix reuse: c1 and c2 cost nothing in passes 1..3 (6 rows, got $zero)" "[ $zero -eq 6 ]"
r=$(end_cycles "$T/reuse")
n=$(end_cycles "$T/noreuse")
c12=$(awk -F, 'NR > 1 && $4 == 0 && $1 < 2 { s += $8 } END { print s }' "$T/noreuse/layers.csv")
check "prefix reuse saves 3 passes of c1 and c2 ($n - $r = 3 x $c12)" "[ $((n - r)) -eq $((3 * c12)) ]"
check "prefix reuse is reported" "grep -q 'prefix reuse: layers c1..c2 run once' $T/reuse.txt"

# Waveforms: a small run writes a VCD with every block; a large one is refused up front.
"$NS" run -a "$TOY_A" -w "$TOY_W" --vcd "$T/toy.vcd" -q
check "--vcd writes a VCD with the shared resources and each layer's blocks" \
  "grep -q 'arb_gbuf_bus_busy' $T/toy.vcd && grep -q 'fc2_rng_busy' $T/toy.vcd && grep -q '^#920$' $T/toy.vcd"
"$NS" run -w resnet18-cifar10 -T 20 --vcd "$T/big.vcd" --vcd-max-mb 8 -q 2> "$T/vcd.err"
check "a waveform over --vcd-max-mb is refused before running (exit 2)" \
  "[ $? -eq 2 ] && grep -q 'raise it with --vcd-max-mb' $T/vcd.err && [ ! -e $T/big.vcd ]"

finish
