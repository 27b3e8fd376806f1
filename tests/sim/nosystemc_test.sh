#!/usr/bin/env bash
# nosystemc_test.sh - the neuspin of a build without SystemC (NEUSPIN_WITH_SYSTEMC=OFF):
# every command works, timing is analytic by default, event and cycle timing are refused
# with a clear message, and the analytic cycles of the golden toy2 equal the engine's
# (tests/golden/toy2, worked out by hand in tests/sim/check_sim.cpp).
#   usage: nosystemc_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
TOY="-a $SRC/tests/golden/toy2/arch.yaml -w $SRC/tests/golden/toy2/net.yaml"

for mode in event cycle; do
  "$NS" run --timing "$mode" > /dev/null 2> "$T/err.txt"
  check "--timing $mode is refused (exit $?)" \
    "grep -q '^<cmdline>:1:22: error: --timing: this neuspin was built without SystemC' $T/err.txt"
done
"$NS" run -T 2 > "$T/out.txt" 2> "$T/err.txt"
check "run without --timing is analytic and exits 0" "[ $? -eq 0 ] && grep -q 'timing analytic' $T/out.txt"

"$NS" run $TOY -q -o "$T/g"
check "toy2 runs (exit $?)" "[ -s $T/g/run.json ]"
# layer, pass, start_cycle, cycles: the columns the analytic mode gives exactly (layer schedule)
check "toy2's cycles equal the golden file's" \
  "diff <(cut -d, -f1,4,7,8 $SRC/tests/golden/toy2/layers.csv) <(cut -d, -f1,4,7,8 $T/g/layers.csv)"

"$NS" validate "$SRC/configs/default.yaml" > /dev/null
check "validate works (exit $?)" "[ $? -eq 0 ]"
"$NS" config --list-params > "$T/params.txt"
rc=$?
rows_row=$(grep -c '^| .rows. | integer' "$T/params.txt")
check "config --list-params works (exit $rc)" "[ $rc -eq 0 ] && [ $rows_row -ge 1 ]"
"$NS" list > /dev/null
check "list works (exit $?)" "[ $? -eq 0 ]"
"$NS" compare spindrop scaledrop -T 2 -o "$T/cmp" > /dev/null
check "compare works (exit $?)" "[ $? -eq 0 ] && [ -s $T/cmp/compare.csv ]"
printf 'version: 1\nbase: {workload: lenet5-mnist, T: 1}\naxes:\n  - {key: xbar.rows, values: [64, 128]}\n' > "$T/s.yaml"
"$NS" sweep "$T/s.yaml" -o "$T/sw" 2> /dev/null
check "sweep works (exit $?)" "[ \$(grep -c ',ok,\$' $T/sw/summary.csv) -eq 2 ]"
"$NS" merge "$T/sw" -o "$T/mg" 2> /dev/null
check "merge works (exit $?)" "cmp -s $T/sw/summary.csv $T/mg/summary.csv"
if command -v gnuplot > /dev/null; then
  "$NS" plot "$T/sw" -o "$T/pl" > /dev/null 2>&1
  check "plot works (exit $?)" "[ -s $T/pl/energy-latency.png ]"
fi
finish
