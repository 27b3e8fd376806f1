#!/usr/bin/env bash
# sweep_test.sh - end-to-end tests of `neuspin run -p`, `neuspin sweep`, `merge` and `plot`.
#   usage: sweep_test.sh NEUSPIN SOURCE_DIR [mpi ON|OFF MPIEXEC]
# Without "mpi": overrides, sweeps (-j, resume, failures, shards, merge), plots.  With
# "mpi": the summary of `MPIEXEC -n 2 neuspin sweep` equals the serial one; exits 77
# (skipped) when the build has no MPI (NEUSPIN_WITH_MPI=OFF).
# Each check prints "ok - …" or "not ok - …"; the script ends with "N passed, M failed"
# and exits non-zero on any failure.  Sweeps are LeNet-5 with T = 1: each point is a few
# hundredths of a second.
set -u
NS=$1
SRC=$2
MODE=${3:-all}
. "$(dirname "$0")/../lib.sh"
# Analytic points run in process without traces (issue 15); these tests are about child
# processes (traces, failures, SIGINT, resume), so every sweep here keeps every point's
# traces, which runs each point as its own `neuspin run` (in a build without SystemC every
# point is analytic).  The in-process path has its own tests (inproc_test.sh).
ns_sweep() { "$NS" sweep "$@" --keep all; }
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN

# A 12-point product sweep: 3 crossbar heights x 2 schemes x 2 mappings.
cat > "$T/s.yaml" <<'EOF'
version: 1
base: {workload: lenet5-mnist, T: 1, seed: 3}
axes:
  - {key: xbar.rows, values: [64, 128, 256]}
  - {key: dropout.impl, values: [spindrop, mc_dropout]}
  - {key: mapping, values: [1, 2]}
EOF

if [ "$MODE" = mpi ]; then
  if [ "${4:-OFF}" != ON ] || [ -z "${5:-}" ]; then
    echo "skipped: neuspin was built without MPI (NEUSPIN_WITH_MPI=OFF)"
    exit 77
  fi
  MPIEXEC=$5
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
  # Open MPI keeps its own allocations until exit; the full unwinder lets the suppressions
  # (tests/lsan.supp) find its libraries in every stack.
  export LSAN_OPTIONS="suppressions=$SRC/tests/lsan.supp:fast_unwind_on_malloc=0:print_suppressions=0"
  ns_sweep "$T/s.yaml" -o "$T/serial" 2> /dev/null
  check "the serial sweep exits 0" "[ $? -eq 0 ]"
  "$MPIEXEC" -n 2 "$NS" sweep "$T/s.yaml" -o "$T/mpi" --keep all > "$T/mpi.txt" 2>&1
  rc=$?
  check "mpirun -n 2 neuspin sweep exits 0 (got $rc)" "[ $rc -eq 0 ] || { cat $T/mpi.txt; false; }"
  check "both ranks ran points" "grep -q '^rank 0: point' $T/mpi.txt && grep -q '^rank 1: point' $T/mpi.txt"
  check "the MPI summary is byte-identical to the serial one" "cmp -s $T/serial/summary.csv $T/mpi/summary.csv"
  check "the MPI sweep.json is byte-identical" "cmp -s $T/serial/sweep.json $T/mpi/sweep.json"
  check "every point's traces are identical" "diff -r $T/serial/points $T/mpi/points > /dev/null"
  "$MPIEXEC" -n 2 "$NS" sweep "$T/s.yaml" -o "$T/mpis" --shard 1/2 --keep all > /dev/null 2>&1
  check "mpirun with --shard writes that shard's summary" \
    "[ \$(( \$(wc -l < $T/mpis/summary.shard-1-of-2.csv) - 1 )) -eq 6 ]"
  finish
  exit
fi

# Column of word k (0-based, the program being word 0 and named "neuspin") in the command
# line, as neuspin counts them.
col() {
  local k=$1 c=1 j=0
  shift
  for w in neuspin "$@"; do
    [ $j -eq "$k" ] && break
    c=$((c + ${#w} + 1))
    j=$((j + 1))
  done
  echo $c
}

expect_err() { # name, expected first stderr line, expected exit code, command...
  local name=$1 want=$2 code=$3
  shift 3
  "$@" > /dev/null 2> "$T/err.txt"
  local rc=$?
  local got
  got=$(head -n 1 "$T/err.txt")
  if [ "$rc" -eq "$code" ] && [ "$got" = "$want" ]; then ok "$name"; else
    bad "$name (exit $rc, first line: $got)"; fi
}

# --- run -p: architecture keys on the command line ---
"$NS" run -T 1 -p xbar.rows=256 -p dropout.impl=mc_dropout -o "$T/p1" -q
check "run -p exits 0" "[ $? -eq 0 ]"
check "run.json records the overridden keys" \
  "grep -q 'rows: 256' $T/p1/run.json && grep -q '\"scheme\": \"mc_dropout\"' $T/p1/run.json"
expect_err "a bad -p value is reported at its column" \
  '<cmdline>:1:31: error: xbar.rows: expected integer in [1, 4096], got "abc"' 2 \
  "$NS" run -T 1 -p xbar.rows=abc
expect_err "an unknown -p key is reported with a suggestion" \
  "<cmdline>:1:21: error: unknown architecture key 'xbar.rwos', did you mean 'xbar.rows'?" 2 \
  "$NS" run -T 1 -p xbar.rwos=64
expect_err "-p without = is refused" \
  '<cmdline>:1:21: error: -p: expected KEY=VALUE (e.g. xbar.rows=256), got "xbar.rows"' 2 \
  "$NS" run -T 1 -p xbar.rows
expect_err "overrides are checked together (arch_check)" \
  "<cmdline>: error: xbar.max_active_rows: expected at most 16 (xbar.rows), got 32" 2 \
  "$NS" run -T 1 -p xbar.rows=16

# --- help ---
for c in sweep merge plot; do
  "$NS" $c --help > "$T/h.txt"
  check "'$c --help' exits 0 and prints usage" "[ $? -eq 0 ] && grep -q '^usage: neuspin $c' $T/h.txt"
done

# --- network keys as axes: points run from their own network files ---
printf 'version: 1\nbase: {workload: lenet5-mnist, T: 1, timing: analytic}\naxes:\n  - {key: net.bayes_last, values: [0, 1, 5]}\n  - {key: net.dropout, values: [0.1, 0.3]}\n' > "$T/net.yaml"
ns_sweep "$T/net.yaml" -o "$T/net" 2> /dev/null
check "a sweep over net.bayes_last x net.dropout runs (exit $?)" "[ \$(grep -c ',ok,\$' $T/net/summary.csv) -eq 6 ]"
# RNG modules by hand: no Bayesian layer 0; the last one (fc3, 84 inputs) 84; all five
# conv/fc layers 25 + 150 + 400 + 120 + 84 = 779 (the default's, one module per row)
mods=$(awk -F, 'NR > 1 { printf "%s/%s ", $2, $7 }' "$T/net/summary.csv")
check "RNG modules follow the Bayesian layers ($mods)" \
  "[ '$mods' = '0/0 0/0 1/84 1/84 5/779 5/779 ' ]"
check "each point runs from its own network file, written once per distinct network" \
  "grep -q 'inputs/net-' $T/net/points/0005/run.json && grep -q 'dropout: 0.29999999999999999' $T/net/inputs/net-5.yaml"

# --- --skip-invalid: points that break a rule are listed, the others run ---
printf 'version: 1\nbase: {workload: lenet5-mnist, T: 1, timing: analytic}\naxes:\n  - {key: chip.tiles, values: [4, 16]}\n' > "$T/inv.yaml"
ns_sweep "$T/inv.yaml" -o "$T/inv0" 2> "$T/err.txt"
check "without --skip-invalid an invalid point stops the sweep (exit $?)" "grep -q '1 of 2 points invalid; nothing was run' $T/err.txt"
ns_sweep "$T/inv.yaml" -o "$T/inv" --skip-invalid 2> "$T/err.txt"
rc=$?
check "with --skip-invalid the valid point runs (exit $rc)" "[ $rc -eq 0 ] && grep -q '^1,16,.*,ok,\$' $T/inv/summary.csv"
check "… the invalid one is listed with its reason" "grep -q '^0,4,[0-9]*,,,,,,,,,invalid,.*tiles' $T/inv/summary.csv"
check "… and the counts say so" "grep -q '2 points: 1 ok, 0 failed, 1 invalid (skipped)' $T/err.txt"
"$NS" merge "$T/inv" -o "$T/invm" 2> /dev/null
check "merge keeps the invalid row" "cmp -s $T/inv/summary.csv $T/invm/summary.csv"

# --- every example sweep in configs/sweeps is valid ---
for f in "$SRC"/configs/sweeps/*.yaml; do
  # an eval sweep reads the Fashion-MNIST test set (eval_sweep_test.sh checks those too)
  grep -q '^eval:' "$f" && [ ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] && continue
  ns_sweep "$f" --dry-run > "$T/dry.txt" 2> "$T/err.txt"
  rc=$? # before the label's $(basename): a command substitution resets $?
  check "configs/sweeps/$(basename "$f") checks (every point valid; exit $rc)" "[ $rc -eq 0 ]"
  [ "$(basename "$f")" = lenet5-200.yaml ] &&
    check "the 200-point reference sweep has 200 points" \
      "[ \$(grep -c '^neuspin run' $T/dry.txt) -eq 200 ]"
done

# --- a sweep, -j 1 and -j 2: byte-identical ---
ns_sweep "$T/s.yaml" -o "$T/j1" -j 1 2> "$T/j1.txt"
check "sweep -j 1 exits 0" "[ $? -eq 0 ]"
ns_sweep "$T/s.yaml" -o "$T/j2" -j 2 2> "$T/j2.txt"
check "sweep -j 2 exits 0" "[ $? -eq 0 ]"
rows=$(($(wc -l < "$T/j1/summary.csv") - 1))
check "summary.csv has a row per point (12, got $rows)" "[ $rows -eq 12 ]"
check "summary.csv header names the axes and the totals" \
  "[ \"\$(head -n 1 $T/j1/summary.csv)\" = 'point,xbar.rows,dropout.impl,mapping,seed,energy_pj,latency_ns,rng_modules,rng_bits,memory_bits,tiles,area_mm2,edap,status,error' ]"
check "rows are sorted by point and in product order" \
  "[ \"\$(cut -d, -f1-4 $T/j1/summary.csv | sed -n '2p;3p;4p;13p' | tr '\n' ' ')\" = '0,64,spindrop,1 1,64,spindrop,2 2,64,mc_dropout,1 11,256,mc_dropout,2 ' ]"
check "every point is ok" "[ \$(grep -c ',ok,\$' $T/j1/summary.csv) -eq 12 ]"
check "the same sweep at -j 1 and -j 2 is byte-identical (summary, manifest, traces)" \
  "diff -r $T/j1 $T/j2 > /dev/null"
check "each point has its own traces" "[ -s $T/j1/points/0007/layers.csv ] && [ -s $T/j1/points/0007/run.json ]"
# A point runs in a fork of the sweep (child.c: no exec); what it writes must be what a
# fresh `neuspin run` with the point's settings writes, byte for byte.
s11=$(sed -n '13p' "$T/j1/summary.csv" | cut -d, -f5)
"$NS" run -T 1 --seed "$s11" -p xbar.rows=256 -p dropout.impl=mc_dropout -m 2 -o "$T/p11" -q
check "a forked point's traces equal a fresh 'neuspin run' of its settings (layers, stats, run.json)" \
  "cmp -s $T/p11/layers.csv $T/j1/points/0011/layers.csv && cmp -s $T/p11/stats.csv $T/j1/points/0011/stats.csv && cmp -s $T/p11/run.json $T/j1/points/0011/run.json"
check "plain progress lines, one per point" "[ \$(grep -c '^point [0-9]*/12 ok (' $T/j2.txt) -eq 12 ]"
# seeds: splitmix64(3, i); point 0's run.json carries it
s0=$(sed -n '2p' "$T/j1/summary.csv" | cut -d, -f5)
check "the point's seed is the one its run used ($s0)" "grep -q \"\\\"seed\\\": \\\"$s0\\\",\" $T/j1/points/0000/run.json"
check "point 0's seed is splitmix64(3, 0) = 2092789425003139053 (worked out in python)" "[ '$s0' = 2092789425003139053 ]"
check "sweep.json records the points and the master seed" \
  "grep -q '\"points\": 12,' $T/j1/sweep.json && grep -q '\"master_seed\": \"3\",' $T/j1/sweep.json"
# energy per image of a point equals its run's per-image total
e_sum=$(sed -n '2p' "$T/j1/summary.csv" | cut -d, -f6)
e_run=$(sed -n 's/.*"per_image".*"energy_pj": \([0-9.e+-]*\).*/\1/p' "$T/j1/points/0000/run.json")
check "energy_pj equals run.json's per-image energy ($e_sum vs $e_run)" \
  "awk -v a=$e_sum -v b=$e_run 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-8 * b) }'"

# --- invalid input: reported before anything runs ---
cat > "$T/bad.yaml" <<'EOF'
version: 1
base: {workload: lenet5-mnist, T: 1}
axes:
  - {key: xbar.rows, values: [64, 256]}
  - {key: xbar.cols, values: [64]}
  - {key: chip.tiles, values: [8, 64]}
EOF
ns_sweep "$T/bad.yaml" -o "$T/never" > /dev/null 2> "$T/err.txt"
rc=$?
check "a sweep with invalid points exits 2" "[ $rc -eq 2 ]"
check "an invalid point is reported with its axis values" \
  "head -n 1 $T/err.txt | grep -q '^$T/bad.yaml:4:3: error: point 0 (xbar.rows=64, xbar.cols=64, chip.tiles=8): layers\\[[0-9]*\\]: .*missing'"
check "every invalid point is reported and counted" \
  "grep -q 'point 2 (xbar.rows=256, xbar.cols=64, chip.tiles=8)' $T/err.txt && grep -q '^neuspin: 2 of 4 points invalid; nothing was run' $T/err.txt"
check "nothing is written for an invalid sweep" "[ ! -e $T/never ]"
printf 'version: 1\naxes:\n  - {key: xbar.rwos, values: [64]}\n' > "$T/bad2.yaml"
expect_err "a bad axis key is reported at its line" \
  "$T/bad2.yaml:3:11: error: axes[0].key: unknown key 'xbar.rwos', did you mean 'xbar.rows'?" 2 \
  ns_sweep "$T/bad2.yaml" -o "$T/never"
printf 'version: 1\nmode: zip\naxes:\n  - {key: xbar.rows, values: [64, 128]}\n  - {key: T, values: [1, 2, 3]}\n' > "$T/bad3.yaml"
expect_err "zip of unequal lengths is an error at the axes" \
  "$T/bad3.yaml:5:5: error: axes[1]: mode zip needs axes of equal length: axes[0] (xbar.rows) has 2 values, axes[1] (T) has 3" 2 \
  ns_sweep "$T/bad3.yaml" -o "$T/never"
expect_err "sweep without -o is refused" "<cmdline>:1:$(col 3 sweep "$T/s.yaml"): error: sweep: expected -o DIR" 2 \
  "$NS" sweep "$T/s.yaml"
expect_err "--shard checks I < N" \
  "<cmdline>:1:$(col 6 sweep "$T/s.yaml" -o "$T/x" --shard 3/3): error: --shard I: expected integer in [0, 2], got \"3\"" 2 \
  ns_sweep "$T/s.yaml" -o "$T/x" --shard 3/3

# --- a failing point is recorded and the sweep goes on ---
# Point 5's trace cannot be renamed into place (a directory holds its name): it fails at
# run time, after every check passed.  (A sweep directory first: one point, then a stop.)
NEUSPIN_SWEEP_STOP_AFTER=1 ns_sweep "$T/s.yaml" -o "$T/f" 2> /dev/null
mkdir -p "$T/f/points/0005/layers.csv"
ns_sweep "$T/s.yaml" -o "$T/f" -j 2 2> "$T/f.txt"
rc=$?
check "a sweep with a failed point exits 1 (got $rc)" "[ $rc -eq 1 ]"
check "the failed point is recorded with status failed and its error" \
  "grep -q '^5,.*,failed,\"\\?neuspin: error: .*layers.csv' $T/f/summary.csv"
check "its whole stderr is kept" "grep -q 'neuspin: error:' $T/f/points/0005/stderr.txt"
check "the other points are ok" "[ \$(grep -c ',ok,\$' $T/f/summary.csv) -eq 11 ]"
check "the progress names the failure" "grep -q '^point 5/12 failed (' $T/f.txt"
rmdir "$T/f/points/0005/layers.csv"
ns_sweep "$T/s.yaml" -o "$T/f" --resume 2> "$T/f2.txt"
check "--resume reruns only the failed point" \
  "[ $? -eq 0 ] && [ \$(grep -c '^point ' $T/f2.txt) -eq 1 ] && grep -q '^point 5/12 ok' $T/f2.txt"
check "after it the summary equals the clean sweep's" "cmp -s $T/j1/summary.csv $T/f/summary.csv"

# --- interrupted sweep and --resume: no point lost, none run twice ---
NEUSPIN_SWEEP_STOP_AFTER=5 ns_sweep "$T/s.yaml" -o "$T/r" -j 1 2> "$T/r1.txt"
rc=$?
check "an interrupted sweep exits 130 (got $rc)" "[ $rc -eq 130 ]"
check "it writes the summary of the finished points (5)" \
  "[ \$(( \$(wc -l < $T/r/summary.csv) - 1 )) -eq 5 ]"
check "it says how to continue" "grep -q 'run again with --resume' $T/r1.txt"
for p in 0000 0001 0002 0003 0004; do stat -c '%i %Y' "$T/r/points/$p/run.json"; done > "$T/stamps1"
ns_sweep "$T/s.yaml" -o "$T/r" -j 2 --resume 2> "$T/r2.txt"
check "--resume exits 0" "[ $? -eq 0 ]"
check "--resume reports the complete points" "grep -q '^resume: 5 of 12 points already complete, 7 to run' $T/r2.txt"
n1=$(grep -c '^point [0-9]*/12 ok' "$T/r1.txt")
n2=$(grep -c '^point [0-9]*/12 ok' "$T/r2.txt")
check "no point ran twice: $n1 + $n2 runs for 12 points" "[ $((n1 + n2)) -eq 12 ]"
check "the points run before the interruption are untouched (same inode and time)" \
  "for p in 0000 0001 0002 0003 0004; do stat -c '%i %Y' $T/r/points/\$p/run.json; done | cmp -s - $T/stamps1"
check "the resumed summary equals the uninterrupted sweep's" "cmp -s $T/j1/summary.csv $T/r/summary.csv"
check "the resumed traces equal the uninterrupted sweep's" "diff -r $T/j1/points $T/r/points > /dev/null"
ns_sweep "$T/s.yaml" -o "$T/r" --resume 2> "$T/r3.txt"
check "a second --resume runs nothing" "[ $? -eq 0 ] && ! grep -q '^point ' $T/r3.txt"
printf 'version: 1\naxes:\n  - {key: xbar.rows, values: [64]}\n' > "$T/other.yaml"
expect_err "a directory holding another sweep is refused" \
  "neuspin: error: $T/r holds another sweep (points differs in $T/r/sweep.json); use another -o DIR, or --restart" 2 \
  ns_sweep "$T/other.yaml" -o "$T/r"

# --- SIGINT: stop launching, end the children, write what finished ---
cat > "$T/slow.yaml" <<'EOF'
version: 1
base: {workload: lenet5-mnist, T: 20}
axes:
  - {key: xbar.rows, values: [64, 128, 256, 512, 1024, 2048]}
  - {key: seed, range: {from: 1, to: 4, step: 1}}
EOF
# No fixed sleep, on no machine too fast or too slow: look (every 50 ms, at most 60 s) for a
# first finished point while the sweep is frozen (SIGSTOP); once there is one, SIGINT it
# before it continues.  Frozen, it launched at most 2 points past the finished one, so at
# least 21 of 24 are left and it is still sweeping when it handles the signal.
"$NS" sweep "$T/slow.yaml" -o "$T/int" -j 2 --keep all 2> "$T/int.txt" &
pid=$!
for _ in $(seq 1200); do
  kill -STOP $pid 2> /dev/null || break
  grep -q '^point [0-9]*/24 ' "$T/int.txt" && break
  kill -CONT $pid
  sleep 0.05
done
check "SIGINT comes after a first point finished" "grep -q '^point [0-9]*/24 ' $T/int.txt"
kill -INT $pid
kill -CONT $pid
wait $pid
rc=$?
check "SIGINT ends the sweep with 130 (got $rc)" "[ $rc -eq 130 ]"
check "no child is left running" "! pgrep -f -- '-o $T/int/points' > /dev/null"
check "the summary of what finished is written" "[ -s $T/int/summary.csv ]"
done_pts=$(($(wc -l < "$T/int/summary.csv") - 1))
ns_sweep "$T/slow.yaml" -o "$T/int" -j 2 --resume 2> "$T/int2.txt"
check "--resume after SIGINT completes the sweep" \
  "[ $? -eq 0 ] && [ \$(( \$(wc -l < $T/int/summary.csv) - 1 )) -eq 24 ] && [ \$(grep -c '^point ' $T/int2.txt) -eq $((24 - done_pts)) ]"

# --- shards and merge ---
for i in 0 1 2; do
  ns_sweep "$T/s.yaml" -o "$T/sh$i" --shard $i/3 2> /dev/null
done
check "each shard writes summary.shard-I-of-3.csv with its 4 points" \
  "for i in 0 1 2; do [ \$(( \$(wc -l < $T/sh\$i/summary.shard-\$i-of-3.csv) - 1 )) -eq 4 ] || exit 1; done"
check "shard 1 holds the points with index % 3 == 1" \
  "[ \"\$(tail -n +2 $T/sh1/summary.shard-1-of-3.csv | cut -d, -f1 | tr '\n' ' ')\" = '1 4 7 10 ' ]"
"$NS" merge "$T/sh0" "$T/sh1" "$T/sh2" -o "$T/merged" 2> "$T/m.txt"
check "merge of all shards exits 0" "[ $? -eq 0 ]"
check "the merged summary equals the whole sweep's" "cmp -s $T/j1/summary.csv $T/merged/summary.csv"
check "merge copies sweep.json" "cmp -s $T/j1/sweep.json $T/merged/sweep.json"
# shards of a Slurm array, all in one directory
for i in 0 1 2; do
  SLURM_ARRAY_TASK_ID=$((i + 5)) SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_COUNT=3 \
    ns_sweep "$T/s.yaml" -o "$T/arr" 2> /dev/null
done
check "SLURM_ARRAY_TASK_ID/COUNT pick the shard" \
  "[ -f $T/arr/summary.shard-0-of-3.csv ] && [ -f $T/arr/summary.shard-2-of-3.csv ]"
"$NS" merge "$T/arr" -o "$T/arr" 2> /dev/null
check "merging one directory of shards gives the whole sweep" "cmp -s $T/j1/summary.csv $T/arr/summary.csv"
"$NS" merge "$T/sh0" "$T/sh2" -o "$T/part" 2> "$T/m2.txt"
rc=$?
check "merge with a shard missing exits 1 (got $rc)" "[ $rc -eq 1 ]"
check "merge names the missing points" "grep -q '^neuspin: 4 of 12 points missing: 1, 4, 7, 10\$' $T/m2.txt"
check "merge still writes the present rows" "[ \$(( \$(wc -l < $T/part/summary.csv) - 1 )) -eq 8 ]"

# --- sense-amp sharing trades area against energy (issue 11) ---
# toy2, senseamp.cols_per_sa 1 and 2.  SA area per tile (4 columns, psum_bits 3, defaults
# a_sa 30, a_lsb 2 um^2, a_mux 0.5 um^2): 1 col/SA: 4 x (30 + 2 x 2^3) = 184 um^2, no mux;
# 2 cols/SA: 2 x 46 + 4 x 0.5 (mux) = 94 um^2.  8 tiles x 90 = 720 um^2 = 0.00072 mm^2
# more chip area with one SA per column, and less energy (no mux slots: shorter bit-line
# bias and no ACT_SA_MUX).
cat > "$T/sa.yaml" <<EOF
version: 1
base: {arch: $SRC/tests/golden/toy2/arch.yaml, workload: $SRC/tests/golden/toy2/net.yaml, T: 2, seed: 1}
axes:
  - {key: senseamp.cols_per_sa, values: [1, 2]}
EOF
ns_sweep "$T/sa.yaml" -o "$T/sa" > /dev/null 2>&1
check "the cols_per_sa sweep exits 0" "[ $? -eq 0 ]"
# columns: point,cols_per_sa,seed,energy_pj(4),latency_ns(5),...,area_mm2(10),edap(11)
check "one SA per column costs 0.00072 mm^2 more chip area" \
  "awk -F, 'NR == 2 { a1 = \$10 } NR == 3 { a2 = \$10 } END { d = a1 - a2 - 0.00072; exit !(d < 1e-12 && d > -1e-12) }' $T/sa/summary.csv"
check "… and less energy per image" \
  "awk -F, 'NR == 2 { e1 = \$4 } NR == 3 { e2 = \$4 } END { exit !(e1 < e2) }' $T/sa/summary.csv"
check "… and EDAP is energy x latency x chip area" \
  "awk -F, 'NR > 1 { d = \$4 * \$5 * \$10 / \$11 - 1; if (d > 1e-9 || d < -1e-9) bad = 1 } END { exit bad }' $T/sa/summary.csv"

# --- plots: valid SVG, the expected number of points ---
if command -v gnuplot > /dev/null; then
  "$NS" plot "$T/j1" -o "$T/pl" > "$T/pl.txt" 2>&1
  check "plot of a sweep exits 0" "[ $? -eq 0 ] || { cat $T/pl.txt; false; }"
  for f in energy-latency.svg energy-latency.png energy-latency.gp energy-latency.dat energy-latency-pareto.dat area-energy.svg area-energy.dat; do
    check "plot writes $f" "[ -s $T/pl/$f ]"
  done
  check "the SVG is well-formed XML" "xmllint --noout $T/pl/energy-latency.svg"
  npts=$(grep -c '^[0-9]' "$T/pl/energy-latency.dat")
  check "the data file has one line per ok point (12, got $npts)" "[ $npts -eq 12 ]"
  # the points are coloured by the non-numeric axis, dropout.impl: a data block per value
  check "the points are grouped by dropout.impl" \
    "[ \"\$(grep '^# group:' $T/pl/energy-latency.dat | tr '\n' ' ')\" = '# group: dropout.impl = spindrop # group: dropout.impl = mc_dropout ' ]"
  # gnuplot draws each point as <use xlink:href='#gpPt6'> (pt 7), plus one per group in the key
  nsvg=$(grep -o "xlink:href='#gpPt6'" "$T/pl/energy-latency.svg" | wc -l)
  check "the SVG draws 12 design points, plus the key's 2 ($nsvg)" "[ $nsvg -eq 14 ]"
  nf=$(grep -c '^[0-9]' "$T/pl/energy-latency-pareto.dat")
  nfs=$(grep -o "xlink:href='#gpPt4'" "$T/pl/energy-latency.svg" | wc -l)
  check "the Pareto front is drawn ($nf points, $nfs markers)" "[ $nf -ge 1 ] && [ $nfs -eq $((nf + 1)) ]"
  check "the PNG is a PNG" "head -c 8 $T/pl/energy-latency.png | od -An -c | grep -q 'P   N   G'"
  check "the axes are labelled with units (energy-latency.labels, read by the template)" \
    "grep -qP '\\tlatency per image \\[.*s\\]\\tenergy per image \\[.*J\\]\\t' $T/pl/energy-latency.labels"
  # Pareto front by hand: sort by latency, keep each point cheaper than every faster one
  want=$(awk -F, 'NR > 1 && $14 == "ok" { print $7, $6, $1 }' "$T/j1/summary.csv" | sort -g -k1,1 -k2,2 |
    awk 'BEGIN { b = 1e300 } $2 < b { b = $2; printf "%s ", $3 }')
  got=$(grep '^[0-9]' "$T/pl/energy-latency-pareto.dat" | cut -f1 | tr '\n' ' ')
  check "the Pareto front is the non-dominated points ($got)" "[ '$want' = '$got' ]"

  "$NS" plot "$T/j1/points/0000" -o "$T/pr" > /dev/null 2>&1
  check "plot of a run exits 0" "[ $? -eq 0 ]"
  check "the run's SVG is well-formed" "xmllint --noout $T/pr/layer-energy.svg"
  check "one bar group per layer (7)" "[ \$(grep -c '^[a-z]' $T/pr/layer-energy.dat) -eq 7 ]"
  "$NS" compare spindrop scaledrop deterministic -T 1 -o "$T/cmp" > /dev/null 2>&1
  "$NS" plot "$T/cmp" -o "$T/pc" > /dev/null 2>&1
  check "plot of a comparison exits 0" "[ $? -eq 0 ]"
  check "the comparison's SVG is well-formed" "xmllint --noout $T/pc/schemes.svg"
  check "one group per scheme (3)" "[ \$(grep -c '^[a-z]' $T/pc/schemes.dat) -eq 3 ]"
else
  bad "gnuplot is not installed (scripts/setup installs gnuplot-nox)"
fi
PATH=/nonexistent "$NS" plot "$T/j1" -o "$T/pn" > /dev/null 2> "$T/err.txt"
rc=$?
check "without gnuplot, plot exits 1 and names the package" "[ $rc -eq 1 ] && grep -q 'gnuplot-nox' $T/err.txt"
expect_err "plot of a directory without outputs is refused" \
  "neuspin: error: $T: no summary.csv (sweep), layers.csv (run) or compare.csv (compare -o) in it; a sharded sweep: 'neuspin merge' it first" 2 \
  "$NS" plot "$T" -o "$T/pz"

finish
