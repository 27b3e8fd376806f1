#!/usr/bin/env bash
# inproc_test.sh - analytic sweep points evaluated in process give the summary rows that
# `neuspin run --timing analytic` of the same points gives, byte for byte; --keep; explore.
#   usage: inproc_test.sh NEUSPIN SOURCE_DIR
# The reference is independent of the in-process code: with --keep LIST a point runs as
# its own `neuspin run` child and its row is read back from the child's layers.csv and
# run.json (summary_row), as every sweep did before.  200 points drawn at random from a
# space over the scheme, crossbar, schedule, mapping, tiles, p, Bayesian layers and T.
set -u
NS=$1
. "$(dirname "$0")/../lib.sh"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN

# 5 x 3 x 2 x 2 x 2 x 3 x 2 x 3 = 2160 points of LeNet-5
cat > "$T/s.yaml" <<'YAML'
version: 1
base: {workload: lenet5-mnist, T: 4, seed: 11, timing: analytic}
axes:
  - {key: dropout.impl, values: [spindrop, mc_dropout, spatial_spindrop, scaledrop, spinbayes]}
  - {key: xbar.rows, values: [64, 128, 256]}
  - {key: chip.schedule, values: [layer, pipeline]}
  - {key: mapping, values: [1, 2]}
  - {key: chip.tiles, values: [64, 1024]}
  - {key: net.dropout, values: [0.1, 0.25, 0.5]}
  - {key: net.bayes_last, values: [1, 5]}
  - {key: T, values: [1, 3, 7]}
YAML
"$NS" sweep "$T/s.yaml" -o "$T/all" -j 2 --skip-invalid 2> "$T/err1.txt"
rc=$?
check "an in-process sweep of 2160 points exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "… writes no per-point traces by default" "[ ! -e $T/all/points ] || [ -z \"\$(ls $T/all/points)\" ]"
check "… and says how many it evaluated in process" "grep -q 'evaluated in process' $T/err1.txt"
# 200 distinct ok points at random (awk's generator, seeded: the same sample every run)
LIST=$(awk -F, 'NR > 1 && $(NF - 1) == "ok" { ok[n++] = $1 }
  END { srand(15); while (k < 200) { i = int(rand() * n); if (!(i in s)) { s[i] = 1; k++ } }
        for (i = 0; i < n; i++) if (i in s) printf "%s%d", (c++ ? "," : ""), ok[i] }' "$T/all/summary.csv")
"$NS" sweep "$T/s.yaml" -o "$T/ref" -j 2 --skip-invalid --keep "$LIST" 2> "$T/err2.txt"
rc=$?
check "the same sweep with 200 points run by 'neuspin run' exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "… those 200 points have their own traces" "[ \$(ls $T/ref/points/*/run.json | wc -l) -eq 200 ]"
ok200=$(grep -c ',ok,$' "$T/all/summary.csv")
check "most points are ok ($ok200 of 2160), so the comparison compares figures" "[ $ok200 -gt 1000 ]"
check "the summaries are byte-identical" "cmp $T/all/summary.csv $T/ref/summary.csv"
# -j 1 and -j 2: the same bytes
"$NS" sweep "$T/s.yaml" -o "$T/j1" -j 1 --skip-invalid 2> /dev/null
check "in process, -j 1 and -j 2 give the same summary" "cmp -s $T/all/summary.csv $T/j1/summary.csv"

# --- --keep pareto: the energy-latency front's points get their traces ---
"$NS" sweep "$T/s.yaml" -o "$T/par" -j 2 --skip-invalid --keep pareto 2> /dev/null
check "--keep pareto leaves the summary unchanged" "cmp -s $T/all/summary.csv $T/par/summary.csv"
# the front by hand from the summary: ok rows no other ok row beats in both energy_pj and latency_ns
front=$(awk -F, 'NR > 1 && $(NF - 1) == "ok" { e[$1] = $11; l[$1] = $12 }
  END { for (i in e) { d = 0; for (j in e) if (e[j] <= e[i] && l[j] <= l[i] && (e[j] < e[i] || l[j] < l[i])) { d = 1; break }
        if (!d) print i } }' "$T/all/summary.csv" | sort -n | paste -sd' ')
kept=$(ls "$T/par/points" | sed 's/^0*\([0-9]\)/\1/' | sort -n | paste -sd' ')
check "--keep pareto keeps exactly the front's points ($kept = $front)" "[ -n '$front' ] && [ '$kept' = '$front' ]"

# --- bad --keep ---
"$NS" sweep "$T/s.yaml" -o "$T/bad" --skip-invalid --keep 3,5000 2> "$T/e.txt"
check "--keep with a point past the sweep exits 2" "[ $? -eq 2 ] && grep -q 'expected point indices in \[0, 2159\]' $T/e.txt"
"$NS" sweep "$T/s.yaml" -o "$T/bad" --skip-invalid --keep 3,x 2> "$T/e.txt"
check "--keep with a word exits 2" "[ $? -eq 2 ] && grep -q 'got \"3,x\"' $T/e.txt"

# --- interrupted and resumed: the same summary ---
NEUSPIN_SWEEP_STOP_AFTER=100 "$NS" sweep "$T/s.yaml" -o "$T/res" -j 2 --skip-invalid 2> /dev/null
check "an interrupted in-process sweep exits 130" "[ $? -eq 130 ]"
"$NS" sweep "$T/s.yaml" -o "$T/res" -j 2 --skip-invalid --resume 2> /dev/null
check "… and --resume completes it to the same bytes" "cmp -s $T/all/summary.csv $T/res/summary.csv"

# --- shards and merge ---
"$NS" sweep "$T/s.yaml" -o "$T/sh" --shard 0/2 --skip-invalid 2> /dev/null
"$NS" sweep "$T/s.yaml" -o "$T/sh" --shard 1/2 --skip-invalid 2> /dev/null
"$NS" merge "$T/sh" -o "$T/shm" 2> /dev/null
check "two in-process shards merge to the same summary" "cmp -s $T/all/summary.csv $T/shm/summary.csv"

# --- explore: the same space searched with a budget ---
{ cat "$T/s.yaml"; printf 'explore: {budget: 300, objectives: [energy, latency], constraints: ["area_mm2 <= 1.5"], method: nsga2, population: 20}\n'; } > "$T/x.yaml"
"$NS" explore "$T/x.yaml" -o "$T/x" --grid > "$T/x.txt" 2> "$T/xe.txt"
rc=$?
check "explore exits 0 (got $rc)" "[ $rc -eq 0 ]"
rows=$(($(wc -l < "$T/x/summary.csv") - 1))
check "explore evaluates at most its budget ($rows of 300)" "[ $rows -le 300 ] && [ $rows -ge 250 ]"
# every ok row it wrote is the sweep's row of that point, byte for byte
bad_rows=$(awk -F, 'NR == FNR { r[$1] = $0; next } FNR > 1 && r[$1] != $0 { n++ } END { print n + 0 }' \
  "$T/all/summary.csv" "$T/x/summary.csv")
check "explore's rows equal the sweep's rows of the same points, invalid ones too ($bad_rows differ)" "[ $bad_rows -eq 0 ]"
# the fronts by hand: ok rows with area_mm2 (column 17) <= 1.5 that no other such row beats
front() { awk -F, 'NR > 1 && $(NF - 1) == "ok" && $17 <= 1.5 { e[$1] = $11; l[$1] = $12 }
  END { for (i in e) { d = 0; for (j in e) if (e[j] <= e[i] && l[j] <= l[i] && (e[j] < e[i] || l[j] < l[i])) { d = 1; break }
        if (!d) print i } }' "$1" | sort -n | paste -sd' '; }
ids() { awk -F, 'NR > 1 { print $1 }' "$1" | sort -n | paste -sd' '; }
fx=$(front "$T/x/summary.csv"); px=$(ids "$T/x/pareto.csv")
check "pareto.csv is the feasible front of the evaluated points ($px)" "[ -n '$px' ] && [ '$px' = '$fx' ]"
fg=$(front "$T/all/summary.csv"); pg=$(ids "$T/x/grid-pareto.csv")
check "grid-pareto.csv is the front of the whole sweep ($pg)" "[ -n '$pg' ] && [ '$pg' = '$fg' ]"
check "explore reports the hypervolume against the grid's" "grep -q 'the search reaches [0-9.]* % of the grid' $T/x.txt"
"$NS" explore "$T/x.yaml" -o "$T/x2" > /dev/null 2>&1
check "explore again: the same evaluated points, byte for byte" "cmp -s $T/x/summary.csv $T/x2/summary.csv && cmp -s $T/x/pareto.csv $T/x2/pareto.csv"
for m in random lhs; do
  sed "s/method: nsga2/method: $m/" "$T/x.yaml" > "$T/x_$m.yaml"
  "$NS" explore "$T/x_$m.yaml" -o "$T/x_$m" > /dev/null 2>&1
  check "explore method $m exits 0 within its budget" "[ $? -eq 0 ] && [ \$(wc -l < $T/x_$m/summary.csv) -le 301 ]"
done
# bad explore sections: one line each, at the value
{ cat "$T/s.yaml"; printf 'explore: {constraints: ["area_mm2 <= 1.5; rm -rf /"]}\n'; } > "$T/xb.yaml"
"$NS" explore "$T/xb.yaml" -o "$T/xb" > /dev/null 2> "$T/e.txt"
check "a constraint outside the grammar exits 2 at its line" \
  "[ $? -eq 2 ] && grep -q 'xb.yaml:12:25: error: explore.constraints: expected a decimal number' $T/e.txt && [ ! -e $T/xb/summary.csv ]"
{ cat "$T/s.yaml"; printf 'explore: {objectives: [energy, speed]}\n'; } > "$T/xb.yaml"
"$NS" explore "$T/xb.yaml" -o "$T/xb" > /dev/null 2> "$T/e.txt"
check "an unknown objective exits 2" "[ $? -eq 2 ] && grep -q 'unknown objective \"speed\"' $T/e.txt"
{ cat "$T/s.yaml"; printf 'explore: {budget: 10, method: grid}\n'; } > "$T/xb.yaml"
"$NS" explore "$T/xb.yaml" -o "$T/xb" > /dev/null 2> "$T/e.txt"
check "an unknown method exits 2" "[ $? -eq 2 ] && grep -q 'expected one of nsga2, random, lhs' $T/e.txt"
sed 's/timing: analytic/timing: event/' "$T/x.yaml" > "$T/xb.yaml"
"$NS" explore "$T/xb.yaml" -o "$T/xb" > /dev/null 2> "$T/e.txt"
check "explore of event-timed points exits 2 saying why" "[ $? -eq 2 ] && grep -q 'analytic timing only' $T/e.txt"
"$NS" sweep "$T/x.yaml" --dry-run --skip-invalid > /dev/null 2>&1
check "a sweep file with an explore section still runs as a sweep" "[ $? -eq 0 ]"

finish
