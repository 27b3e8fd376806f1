#!/usr/bin/env bash
# timing_test.sh - the timing modes against each other (docs/timing.md): on small
# architectures and networks with contention, the event kernel and the clocked execution of
# the same engines (`cycle`, a consistency check of the event scheduler; the independent
# reference is the RTL, rtl_test.sh) give byte-identical layers.csv and stats.csv (cycles per
# layer and pass, every action count, so every energy), under both arbitration policies and
# with the run-ahead bound; the analytic mode gives the same cycles where nothing contends
# (the layer schedule) and never more than the event mode under the pipelined one.  Then
# monotonicity where docs/timing.md promises it (the layer schedule, random cases; the seed
# is printed, NEUSPIN_MONO_SEED replays) and the counterexample where it does not.
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
carch() { # file, extra YAML lines: the contended architecture with keys added
  { grep -v '^#' "$CONTEND"; printf '%s\n' "$2"; } > "$1"
}
carch "$T/age.yaml" "chip: {arbitration: age}"
carch "$T/age-ahead1.yaml" "chip: {arbitration: age, max_passes_ahead: 1}"
carch "$T/small-gbuf.yaml" "gbuf: {words: 100}"
# bus.overlap: beats and buffer words together (the contended bus: 8-bit, hop 2), reads 3
# cycles a word, so the overlap shortens every transfer
{ grep -v '^#' "$CONTEND" | grep -v '^bus:'; printf '%s\n' "bus: {width_bits: 8, t_hop_cyc: 2, overlap: true}" \
  "gbuf: {t_read_cyc: 3}"; } > "$T/overlap.yaml"
for sched in layer pipeline; do
  run_case "lenet-age-$sched" "$T/age.yaml" lenet5-mnist 3 "$sched"
  run_case "mini-age-ahead1-$sched" "$T/age-ahead1.yaml" "$MINI" 4 "$sched"
  run_case "lenet-small-gbuf-$sched" "$T/small-gbuf.yaml" lenet5-mnist 3 "$sched"
  run_case "lenet-overlap-$sched" "$T/overlap.yaml" lenet5-mnist 2 "$sched"
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

# Monotonicity (docs/timing.md, "Monotonicity"): under the layer schedule nothing contends,
# so raising any duration by one cycle never lowers a layer's cycles in any pass, nor the
# image's.  Random architectures and networks, one duration raised per case.
mseed=${NEUSPIN_MONO_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# timing_test: monotonicity seed $mseed (NEUSPIN_MONO_SEED=$mseed replays)"
RANDOM=$((mseed % 32768))
keys=(gbuf.t_read_cyc gbuf.t_write_cyc xbar.t_read_cyc wldec.t_decode_cyc senseamp.t_sense_cyc
  scale_buf.t_read_cyc bus.t_hop_cyc periph.t_add_cyc periph.t_act_cyc periph.t_pool_cyc
  periph.t_mul_cyc dropout.t_sense_cyc)
mono_bad=0
mono_up=0 # cases the raised duration made strictly slower (the check is not vacuous)
for i in $(seq 1 "${MONO_CASES:-16}"); do
  key=${keys[$((RANDOM % ${#keys[@]}))]}
  blk=${key%%.*}
  k=${key#*.}
  v=$((1 + RANDOM % 3))
  w=$((1 << (RANDOM % 7)))
  share=$((1 << (RANDOM % 3)))
  lanes=$((1 << (RANDOM % 4)))
  wl=$([ $((RANDOM % 2)) = 0 ] && echo lenet5-mnist || echo "$MINI")
  scheme=$(echo spindrop spatial-spindrop affine-dropout subset-vi spinbayes | cut -d' ' -f$((1 + RANDOM % 5)))
  t=$((1 + RANDOM % 3))
  for d in 0 1; do
    "$NS" run -a "$scheme" -p bus.width_bits="$w" -p dropout.share="$share" -p periph.lanes="$lanes" \
      -p "$key=$((v + d))" -w "$wl" -T "$t" --schedule layer -q -o "$T/mono$i-$d" \
      2> "$T/mono$i.err" || { bad "monotonicity case $i: run failed: $(head -n 1 "$T/mono$i.err")"; continue 2; }
  done
  a=$(end_cycles "$T/mono$i-0")
  b=$(end_cycles "$T/mono$i-1")
  if [ "$b" -lt "$a" ] || ! paste -d' ' <(cycles_col "$T/mono$i-0/layers.csv") \
      <(cycles_col "$T/mono$i-1/layers.csv") | awk '$6 < $3 { bad = 1 } END { exit bad }'; then
    echo "# case $i: $key $v -> $((v + 1)), $wl, T $t, $scheme, bus $w, share $share, lanes $lanes: $a -> $b cycles"
    mono_bad=$((mono_bad + 1))
  fi
  [ "$b" -gt "$a" ] && mono_up=$((mono_up + 1))
done
check "layer schedule: raising a duration by one never lowers a layer's or the image's cycles (${MONO_CASES:-16} random cases, $mono_up strictly slower)" "[ $mono_bad = 0 ] && [ $mono_up -gt 0 ]"
# Not promised under the pipelined schedule: a slower global-buffer read (t_read 1 -> 2)
# shortens LeNet-5's image under both policies (the grants fall in a different order).
for pol in static age; do
  for r in 1 2; do
    printf 'version: 1\nname: anomaly\nchip: {arbitration: %s}\nbus: {width_bits: 16, t_hop_cyc: 1}\ndropout: {share: 1}\nsenseamp: {cols_per_sa: 32}\nperiph: {lanes: 1}\ngbuf: {t_read_cyc: %s}\n' "$pol" "$r" > "$T/anom-$pol-$r.yaml"
    "$NS" run -a "$T/anom-$pol-$r.yaml" -w lenet5-mnist -T 2 --schedule pipeline -q -o "$T/anom-$pol-$r"
  done
done
check "pipeline, static: gbuf.t_read_cyc 1 -> 2 lowers LeNet-5 from 94860 to 94053 cycles" \
  "[ $(end_cycles "$T/anom-static-1") = 94860 ] && [ $(end_cycles "$T/anom-static-2") = 94053 ]"
check "pipeline, age: gbuf.t_read_cyc 1 -> 2 lowers LeNet-5 from 94947 to 94141 cycles" \
  "[ $(end_cycles "$T/anom-age-1") = 94947 ] && [ $(end_cycles "$T/anom-age-2") = 94141 ]"

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
