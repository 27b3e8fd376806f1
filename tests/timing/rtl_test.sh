#!/usr/bin/env bash
# rtl_test.sh - the event engine against the RTL reference (rtl/, docs/timing.md
# "Reference"), transaction by transaction: each case runs `neuspin run --trace-tx`, the
# Verilator model replays its operation stream and decides every request, grant and release
# itself; the two traces must be equal line for line, and scripts/txcheck must accept them.
# Fixed cases cover the three shared resources and both schedules; then RTL_RANDOM (default
# 50) randomised cases (bus width and hop, dropout sharing, periphery lanes, sense-amplifier
# mux, network shape, T, schedule) from a seed that is printed (NEUSPIN_RTL_SEED replays).
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
  t=$((1 + RANDOM % 3))
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
