#!/usr/bin/env bash
# rtl_test.sh - the event engine against the RTL reference (rtl/, docs/timing.md
# "Reference"), transaction by transaction: each case runs `neuspin run --trace-tx`, the
# Verilator model replays its operation stream and decides every request, grant and release
# itself; the two traces must be equal line for line, and scripts/txcheck must accept them.
# Fixed cases cover the three shared resources, both schedules, both arbitration policies,
# the run-ahead bound and the global buffer's back-pressure; then RTL_RANDOM (default 50)
# randomised cases (bus width and hop, dropout sharing, periphery lanes, sense-amplifier mux,
# network shape, T, schedule, policy, run-ahead bound, buffer size) from a seed that is
# printed (NEUSPIN_RTL_SEED replays).
#   usage: rtl_test.sh NEUSPIN NS_RTL SOURCE_DIR
set -u
NS=$1
RTL=$2
SRC=$3
. "$(dirname "$0")/../lib.sh"
ntx=0
ncase=0

# case: name, then the neuspin run arguments
diff_case() {
  local name=$1
  shift
  "$NS" run "$@" --trace-tx "$T/$name.ev" -q 2> "$T/$name.err" ||
    { bad "$name: neuspin failed: $(head -n 1 "$T/$name.err")"; return; }
  "$RTL" "$T/$name.ev" "$T/$name.rtl" > "$T/$name.rtlout" 2>&1 ||
    { bad "$name: RTL failed: $(head -n 1 "$T/$name.rtlout")"; return; }
  local n
  n=$(grep -vc '^#' "$T/$name.ev")
  ntx=$((ntx + n - 1))
  ncase=$((ncase + 1))
  check "$name: RTL and event traces equal ($((n - 1)) transactions)" \
    "diff <(grep -v '^#' $T/$name.ev | sort) <(sort $T/$name.rtl) > $T/$name.diff"
  [ -s "$T/$name.diff" ] && head -n 4 "$T/$name.diff"
  check "$name: txcheck accepts the trace" "$SRC/scripts/txcheck $T/$name.ev"
}

CONTEND=$SRC/tests/timing/contend.yaml
MINI=$SRC/tests/timing/mini-resnet.yaml
for s in layer pipeline; do
  diff_case "toy2-$s" -a "$SRC/tests/golden/toy2/arch.yaml" -w "$SRC/tests/golden/toy2/net.yaml" -T 2 --schedule "$s"
  diff_case "lenet-contend-$s" -a "$CONTEND" -w lenet5-mnist -T 2 --schedule "$s"
  diff_case "mini-contend-$s" -a "$CONTEND" -w "$MINI" -T 2 --schedule "$s"
  for a in spatial-spindrop spinbayes subset-vi affine-dropout; do
    diff_case "mini-$a-$s" -a "$a" -w "$MINI" -T 2 --schedule "$s"
  done
done
# Age arbitration, the run-ahead bound and back-pressure (docs/timing.md, "Arbitration" and
# "Passes in flight"): the contended architecture with chip keys added.
carch() { # file, extra YAML lines
  { grep -v '^#' "$CONTEND"; printf '%s\n' "$2"; } > "$1"
}
carch "$T/age.yaml" "chip: {arbitration: age}"
carch "$T/static.yaml" "chip: {arbitration: static}"
carch "$T/ahead1.yaml" "chip: {max_passes_ahead: 1}"
carch "$T/age-ahead1.yaml" "chip: {arbitration: age, max_passes_ahead: 1}"
carch "$T/small-gbuf.yaml" "gbuf: {words: 100}"
# The last layer is the slowest (64 outputs per vector against 2), so the first runs ahead.
cat > "$T/widen.yaml" <<'YAML'
version: 1
name: widen
input: {c: 1, h: 8, w: 8}
mc_samples: 4
layers:
  - {name: c1, type: conv, cout: 2, k: 3, pad: 1, dropout: 0.2}
  - {name: c2, type: conv, cout: 64, k: 3, pad: 1, dropout: 0.2}
YAML
diff_case lenet-static3-pipeline -a "$T/static.yaml" -w lenet5-mnist -T 3 --schedule pipeline
diff_case lenet-age3-pipeline -a "$T/age.yaml" -w lenet5-mnist -T 3 --schedule pipeline
diff_case mini-age3-pipeline -a "$T/age.yaml" -w "$MINI" -T 3 --schedule pipeline
diff_case mini-age3-layer -a "$T/age.yaml" -w "$MINI" -T 3 --schedule layer
diff_case mini-static3-layer -a "$T/static.yaml" -w "$MINI" -T 3 --schedule layer
diff_case widen-free-pipeline -a "$CONTEND" -w "$T/widen.yaml" -T 4 --schedule pipeline
diff_case widen-ahead1-pipeline -a "$T/ahead1.yaml" -w "$T/widen.yaml" -T 4 --schedule pipeline
diff_case widen-age-ahead1-pipeline -a "$T/age-ahead1.yaml" -w "$T/widen.yaml" -T 4 --schedule pipeline
diff_case lenet-gbuf-pipeline -a "$T/small-gbuf.yaml" -w lenet5-mnist -T 3 --schedule pipeline
tx_end() { awk -F, '$1 ~ /^[0-9]/ && $11 > m { m = $11 } END { print m }' "$1"; }
# first request of layer $2 in pass $3
tx_start() { awk -F, -v l="$2" -v p="$3" '$1 == l && $2 == p && (m == "" || $9 < m) { m = $9 } END { print m }' "$1"; }
# Pinned (the RTL's figures, equal to the engine's): T = 3 on the contended LeNet-5.
e=$(tx_end "$T/lenet-static3-pipeline.ev")
check "LeNet-5 contended pipeline, T = 3, static: ends at cycle 268048 (RTL), got $e" "[ '$e' = 268048 ]"
e=$(tx_end "$T/lenet-age3-pipeline.ev")
check "the same under age arbitration: 268234 (RTL), got $e" "[ '$e' = 268234 ]"
check "age and static grant differently on the overlapping passes" \
  "! cmp -s <(grep -v '^#' $T/lenet-static3-pipeline.ev) <(grep -v '^#' $T/lenet-age3-pipeline.ev)"
check "under the layer schedule age and static give the same trace (no passes overlap)" \
  "cmp -s <(grep -v '^#' $T/mini-age3-layer.ev) <(grep -v '^#' $T/mini-static3-layer.ev)"
# The bound: unbounded, c1 starts pass 2 before c2 has finished pass 0; with the bound 1 it
# starts pass 2 exactly when c2 finishes pass 0 (c2's last release of pass 0).
f2=$(tx_start "$T/widen-free-pipeline.ev" 0 2)
b2=$(tx_start "$T/widen-ahead1-pipeline.ev" 0 2)
d0=$(awk -F, '$1 == 1 && $2 == 0 && $11 > m { m = $11 } END { print m }' "$T/widen-ahead1-pipeline.ev")
check "run-ahead bound 1: c1 starts pass 2 at c2's end of pass 0 ($b2 = $d0; unbounded: $f2 < $d0)" \
  "[ '$b2' = '$d0' ] && [ $f2 -lt $d0 ]"
# Back-pressure: 100 words of 64 bits hold one pass of LeNet-5 (5880 bits) but not two, so
# passes do not overlap: slower than the unbounded 268048.
e=$(tx_end "$T/lenet-gbuf-pipeline.ev")
check "a buffer for one pass: LeNet-5 T = 3 ends at 280248 (RTL), got $e" "[ '$e' = 280248 ]"
s1=$(tx_start "$T/lenet-gbuf-pipeline.ev" 0 1)
d0=$(awk -F, '$1 == 6 && $2 == 0 && $11 > m { m = $11 } END { print m }' "$T/lenet-gbuf-pipeline.ev")
check "back-pressure: conv1 starts pass 1 when fc3 ends pass 0 ($s1 = $d0)" "[ '$s1' = '$d0' ]"

# every shared resource was contended somewhere: a grant after its request
for r in gbuf periph scale_buf; do
  check "the fixed cases make $r wait" "cat $T/*-pipeline.ev | awk -F, '\$5 == \"$r\" && \$9 > \$8' | grep -q ."
done

# Pinned: the contended pipeline of LeNet-5 (the RTL's figure, equal to the engine's above).
end=$(awk -F, '$1 ~ /^[0-9]/ && $11 > m { m = $11 } END { print m }' "$T/lenet-contend-pipeline.ev")
check "LeNet-5 contended pipeline ends at cycle 180732 (RTL), got $end" "[ '$end' = 180732 ]"

seed=${NEUSPIN_RTL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "# rtl_test: random seed $seed (NEUSPIN_RTL_SEED=$seed replays)"
RANDOM=$((seed % 32768))
for i in $(seq 1 "${RTL_RANDOM:-50}"); do
  w=$((1 << (RANDOM % 7)))
  hop=$((RANDOM % 4))
  share=$((1 << (RANDOM % 3)))
  lanes=$((1 << (RANDOM % 4)))
  cps=$((1 << (3 + RANDOM % 4)))
  sched=$([ $((RANDOM % 2)) = 0 ] && echo layer || echo pipeline)
  pol=$([ $((RANDOM % 2)) = 0 ] && echo static || echo age)
  ahead=$((RANDOM % 3))
  words=$(echo 16 24 32 16384 | cut -d' ' -f$((1 + RANDOM % 4)))
  t=$((1 + RANDOM % 4))
  c1=$((2 + RANDOM % 6))
  c2=$((2 + RANDOM % 6))
  h=$((4 + RANDOM % 5))
  pool=$([ $((RANDOM % 2)) = 0 ] && echo "  - {name: p, type: maxpool, k: 2, stride: 2}")
  cat > "$T/r$i-arch.yaml" <<YAML
version: 1
name: r$i
bus: {width_bits: $w, t_hop_cyc: $hop}
dropout: {share: $share}
senseamp: {cols_per_sa: $cps}
periph: {lanes: $lanes}
chip: {arbitration: $pol, max_passes_ahead: $ahead}
gbuf: {words: $words}
YAML
  cat > "$T/r$i-net.yaml" <<YAML
version: 1
name: r$i
input: {c: 1, h: $h, w: $h}
mc_samples: $t
layers:
  - {name: c1, type: conv, cout: $c1, k: 3, pad: 1, dropout: 0.2}
$pool
  - {name: c2, type: conv, cout: $c2, k: 3, pad: 1, dropout: 0.3}
  - {name: fc, type: fc, cout: 4, dropout: 0.2}
YAML
  diff_case "random-$i" -a "$T/r$i-arch.yaml" -w "$T/r$i-net.yaml" -T "$t" --schedule "$sched" --seed "$i"
done
echo "# rtl_test: $ncase cases, $ntx transactions compared"
finish
