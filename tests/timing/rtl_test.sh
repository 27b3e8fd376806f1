#!/usr/bin/env bash
# rtl_test.sh - the event engine against the RTL reference (rtl/, docs/timing.md
# "Reference"), transaction by transaction: each case runs `neuspin run --trace-tx`, the
# Verilator model replays its operation stream, counts every step's cycles in its own blocks
# (tiles, periphery lanes, scale buffer, dropout modules, arbiter, global path) and decides
# every request, grant and release itself; the two traces must be equal line for line, and
# scripts/txcheck must accept them.  Fixed cases cover the three shared resources, both
# schedules, both arbitration policies, the run-ahead bound, the global buffer's
# back-pressure and the blocks' counts worked by hand; then RTL_RANDOM (default 50)
# randomised cases (bus width, hop and overlap; buffer read cycles; scheme; crossbar shape, active rows, decode, read,
# sense-amplifier mux, partial-sum bits and comparison cycles; periphery lanes and operation
# cycles; scale-buffer width and read cycles; dropout sharing and pulse cycles; arbiter k and
# bit cycles; network shape; T; schedule; policy; run-ahead bound; buffer size) from a seed
# that is printed (NEUSPIN_RTL_SEED replays).
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

# The blocks' own counts (docs/timing.md, "Block rules"), worked by hand on odd parameters:
# a 32 x 16 crossbar reading 5 rows at a time, 3 columns per sense amplifier (6 amplifiers),
# 5-bit partial sums, 3 periphery lanes, a 16-bit scale buffer, modules shared by 3 pairs.
cat > "$T/blocks.yaml" <<'YAML'
version: 1
name: blocks
chip: {tiles: 4096}
xbar: {rows: 32, cols: 16, max_active_rows: 5, t_read_cyc: 2}
wldec: {t_decode_cyc: 3}
senseamp: {cols_per_sa: 3, psum_bits: 5, t_sense_cyc: 2}
dropout: {impl: spindrop, share: 3, t_set_cyc: 2, t_sense_cyc: 3, t_reset_cyc: 4}
scale_buf: {word_bits: 16, t_read_cyc: 2}
periph: {lanes: 3, t_add_cyc: 2, t_act_cyc: 3, t_pool_cyc: 2, t_mul_cyc: 3}
bus: {width_bits: 8, t_hop_cyc: 1}
YAML
cat > "$T/blocks-net.yaml" <<'YAML'
version: 1
name: blocks
input: {c: 3, h: 8, w: 8}
mc_samples: 2
layers:
  - {name: c1, type: conv, cout: 20, k: 3, pad: 1, dropout: 0.2}
  - {name: p, type: maxpool, k: 2, stride: 2}
  - {name: c2, type: conv, cout: 9, k: 3, pad: 1, dropout: 0.3}
  - {name: fc, type: fc, cout: 10, dropout: 0.2}
YAML
diff_case blocks-pipeline -a "$T/blocks.yaml" -w "$T/blocks-net.yaml" -T 2 --schedule pipeline
# c1's first vector, steps 0..5 (the RTL's own counts, its trace's dur column):
#   thresholds: 20 outputs x 16 bits = 320 bits = 20 words x t_read 2            = 40
#   mask draw: 3 pairs per module x (SET 2 + sense 3 + RESET 4)                   = 27
#   fetch of 3 bits: t_hop 1 + 1 beat + 1 buffer word                            = 3
#   MVM, slices 27 x 16 and 27 x 4: ceil(27/5) = 6 row groups of decode 3 + read 2
#     + ceil(16/6) = 3 mux slots x 5 bits x t_sense 2 = 35 (27 x 4: 1 slot, 15)  = 6 x 35 = 210
#   reduce 6 partial sums + activate, 20 outputs on 3 lanes = 7 rounds of
#     ceil(log2 6) = 3 levels x t_add 2, then 7 x t_act 3                        = 42 + 21 = 63
#   write of 20 bits: 1 + ceil(20/8) = 3 beats + 1 word                          = 5
got=$(awk -F, '$1 == 0 && $2 == 0 && $3 == 0 { printf "%s ", $8 }' "$T/blocks-pipeline.rtl")
check "RTL block counts of c1's first vector: 40 27 3 210 63 5 (by hand), got $got" \
  "[ '$got' = '40 27 3 210 63 5 ' ]"
# The same with bus.overlap (docs/timing.md, "Global path") and an 8-bit buffer word read in
# 3 cycles: the fetch of 3 bits is t_hop 1 + max(1 beat, 1 word x 3) = 4 (5 in sequence);
# the write of 20 bits 1 + max(3 beats, 3 words x t_write 1) = 4 (7 in sequence).
diff_case blocks-overlap -a "$T/blocks.yaml" -w "$T/blocks-net.yaml" -T 2 --schedule pipeline \
  -p bus.overlap=true -p gbuf.word_bits=8 -p gbuf.t_read_cyc=3
got=$(awk -F, '$1 == 0 && $2 == 0 && $3 == 0 { printf "%s ", $8 }' "$T/blocks-overlap.rtl")
check "RTL counts of c1's first vector with overlap: 40 27 4 210 63 4 (by hand), got $got" \
  "[ '$got' = '40 27 4 210 63 4 ' ]"
# the pool: 80 outputs on 3 lanes = 27 rounds x (4 - 1) comparisons x t_pool 2 = 162; c2's
# reduce of 39 partial sums, 9 outputs: 3 rounds x (6 levels x 2 + t_act 3) = 45
got=$(awk -F, '$2 == 0 && $3 == 0 && (($1 == 1 && $4 == 1) || ($1 == 2 && $4 == 4)) { printf "%s ", $8 }' \
  "$T/blocks-pipeline.rtl")
check "RTL pool and reduce counts: 162 45 (by hand), got $got" "[ '$got' = '162 45 ' ]"

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
pick() { shift $((RANDOM % $#)); echo "$1"; } # one of the arguments
for i in $(seq 1 "${RTL_RANDOM:-50}"); do
  # the shared resources and the schedule
  w=$((1 << (RANDOM % 7)))
  hop=$((RANDOM % 4))
  ov=$(pick false true)
  sched=$(pick layer pipeline)
  pol=$(pick static age)
  ahead=$((RANDOM % 3))
  # the blocks the RTL counts for itself: tiles (crossbar shape, active rows, decode, read,
  # sense-amplifier mux, partial-sum bits, comparison), periphery lanes and operation
  # cycles, scale buffer width and read cycles, dropout sharing and pulses, arbiter
  impl=$(pick spindrop spatial_spindrop mc_dropout mc_dropconnect affine_dropout scaledrop \
    spinbayes subset_vi)
  xr=$(pick 16 32 64 128)
  xc=$(pick 8 16 32 128)
  mar=$((1 + RANDOM % xr))
  cps=$((1 + RANDOM % xc))
  # partial sums: enough bits for a group's count (x 3 for the 3-MTJ cells of the
  # multi-level schemes), 0..2 more
  lvl=$(case $impl in spinbayes | subset_vi) echo 3 ;; *) echo 1 ;; esac)
  psum=0
  while [ $(((mar * lvl) >> psum)) -gt 0 ]; do psum=$((psum + 1)); done
  psum=$((psum + RANDOM % 3))
  [ $psum -gt 16 ] && psum=16
  share=$((1 + RANDOM % 4))
  lanes=$((1 + RANDOM % 8))
  cin=$((1 + RANDOM % 3))
  t=$((1 + RANDOM % 4))
  c1=$((2 + RANDOM % 24))
  c2=$((2 + RANDOM % 24))
  h=$((4 + RANDOM % 5))
  pool=$([ $((RANDOM % 2)) = 0 ] && echo "  - {name: p, type: maxpool, k: 2, stride: 2}")
  # one pass's live activations (the largest input + output of a layer; docs/timing.md
  # "Passes in flight"), so that the small buffers hold one pass and back-pressure binds
  h2=$([ -n "$pool" ] && echo $((h / 2)) || echo "$h")
  pb=$(((cin + c1) * h * h))
  [ -n "$pool" ] && [ $((c1 * h * h + c1 * h2 * h2)) -gt $pb ] && pb=$((c1 * h * h + c1 * h2 * h2))
  [ $(((c1 + c2) * h2 * h2)) -gt $pb ] && pb=$(((c1 + c2) * h2 * h2))
  pw=$(((pb + 63) / 64))
  words=$(pick $pw $((pw + pw / 2)) $((2 * pw + 1)) 16384)
  cat > "$T/r$i-arch.yaml" <<YAML
version: 1
name: r$i
chip: {tiles: 4096, arbitration: $pol, max_passes_ahead: $ahead}
bus: {width_bits: $w, t_hop_cyc: $hop, overlap: $ov}
gbuf: {words: $words, t_read_cyc: $((1 + RANDOM % 3))}
xbar: {rows: $xr, cols: $xc, max_active_rows: $mar, t_read_cyc: $((1 + RANDOM % 3))}
wldec: {t_decode_cyc: $((1 + RANDOM % 3))}
senseamp: {cols_per_sa: $cps, psum_bits: $psum, t_sense_cyc: $((1 + RANDOM % 2))}
dropout: {impl: $impl, share: $share, t_set_cyc: $((1 + RANDOM % 12)), t_sense_cyc: $((1 + RANDOM % 3)), t_reset_cyc: $((2 + RANDOM % 11))}
arbiter: {k: $((2 + RANDOM % 4)), t_bit_cyc: $((RANDOM % 5))}
scale_buf: {word_bits: $(pick 8 16 32 64), t_read_cyc: $((1 + RANDOM % 3))}
periph: {lanes: $lanes, t_add_cyc: $((1 + RANDOM % 3)), t_act_cyc: $((1 + RANDOM % 3)), t_pool_cyc: $((1 + RANDOM % 3)), t_mul_cyc: $((1 + RANDOM % 3))}
YAML
  cat > "$T/r$i-net.yaml" <<YAML
version: 1
name: r$i
input: {c: $cin, h: $h, w: $h}
mc_samples: $t
layers:
  - {name: c1, type: conv, cout: $c1, k: 3, pad: 1, dropout: 0.2}
$pool
  - {name: c2, type: conv, cout: $c2, k: 3, pad: 1, dropout: 0.3}
  - {name: fc, type: fc, cout: $((2 + RANDOM % 11)), dropout: 0.2}
YAML
  diff_case "random-$i" -a "$T/r$i-arch.yaml" -w "$T/r$i-net.yaml" -T "$t" --schedule "$sched" --seed "$i"
done
echo "# rtl_test: $ncase cases, $ntx transactions compared"
finish
