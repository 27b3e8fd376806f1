#!/usr/bin/env bash
# bench/arbiter.sh BEFORE_SRC BEFORE_BUILD AFTER_BUILD [REPS] - issue 14, "one arbiter": the
# transaction rate of neuspin's engine and of the TLM library's bus, before and after a
# change, measured in one run with the runs interleaved (before, after, before, ...).
# BEFORE_BUILD and AFTER_BUILD are Release builds with the neuspin, neuspin_tlm and
# neuspin_core_archive targets built (cmake -DCMAKE_BUILD_TYPE=Release
# -DNEUSPIN_BUILD_TESTS=OFF; cmake --build B --target neuspin neuspin_tlm
# neuspin_core_archive).  BEFORE_SRC/tests/integration/platform.cpp (its --bench mode) is
# compiled against each build's installed library, so both run the same initiator code.
# Prints medians of REPS (default 7); not a test.
set -euo pipefail
BSRC=$1
BEFORE=$2
AFTER=$3
REPS=${4:-7}
NTX=${NTX:-2000000} # library bus: LT reads through the bus per run
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
wall() { # seconds of one run of a command
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}
transactions() { awk -F, '$3 == "chip.bus.adapter" && $4 == "transports" { print $6 }' "$1/stats.csv"; }

for w in before after; do
  b=$BEFORE
  [ $w = after ] && b=$AFTER
  cmake --install "$b" --prefix "$TMP/$w" > /dev/null
  # shellcheck disable=SC2046 # word splitting of the flags is intended
  g++ -std=c++17 -O2 -o "$TMP/platform-$w" "$BSRC/tests/integration/platform.cpp" \
    $(PKG_CONFIG_PATH="$TMP/$w/lib/pkgconfig" pkg-config --cflags --libs neuspin)
done

echo "| case | before: median s | after: median s | transactions | before tx/s | after tx/s | after / before |"
echo "|---|---|---|---|---|---|---|"
for sched in layer pipeline; do
  "$BEFORE/sim/neuspin" run -w resnet18-cifar10 -T 20 -q --schedule $sched -o "$TMP/r-before"
  "$AFTER/sim/neuspin" run -w resnet18-cifar10 -T 20 -q --schedule $sched -o "$TMP/r-after"
  na=$(transactions "$TMP/r-before")
  nb=$(transactions "$TMP/r-after")
  [ "$na" = "$nb" ] || echo "note: transaction counts differ: $na before, $nb after"
  : > "$TMP/wa"
  : > "$TMP/wb"
  for _ in $(seq "$REPS"); do
    wall "$BEFORE/sim/neuspin" run -w resnet18-cifar10 -T 20 -q --schedule $sched >> "$TMP/wa"
    wall "$AFTER/sim/neuspin" run -w resnet18-cifar10 -T 20 -q --schedule $sched >> "$TMP/wb"
  done
  ma=$(median < "$TMP/wa")
  mb=$(median < "$TMP/wb")
  awk -v s="ResNet-18/CIFAR-10 T=20 event, $sched" -v a="$ma" -v b="$mb" -v n="$na" \
    'BEGIN { printf "| %s | %.3f | %.3f | %d | %.3g | %.3g | %.2f |\n", s, a, b, n, n / a, n / b, a / b }'
done
: > "$TMP/ra"
: > "$TMP/rb"
for _ in $(seq "$REPS"); do
  "$TMP/platform-before" --bench "$NTX" | awk '{ print $(NF - 1) }' >> "$TMP/ra"
  "$TMP/platform-after" --bench "$NTX" | awk '{ print $(NF - 1) }' >> "$TMP/rb"
done
ra=$(median < "$TMP/ra")
rb=$(median < "$TMP/rb")
awk -v a="$ra" -v b="$rb" -v n="$NTX" \
  'BEGIN { printf "| library nstlm::Bus, %d LT tile-result reads (platform --bench) | %.3f | %.3f | %d | %.3g | %.3g | %.2f |\n", n, n / a, n / b, n, a, b, b / a }'
