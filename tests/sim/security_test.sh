#!/usr/bin/env bash
# security_test.sh - the promises of docs/security.md, end to end: no write leaves the named
# output directory (planted symlinks, empty -o), one writer per directory, a sweep never
# counts a point whose files are not the ones its run.json names, temporaries of killed
# runs are removed, and the smaller defects of issue 9 stay fixed.
#   usage: security_test.sh NEUSPIN SOURCE_DIR
# Prints "ok - …" / "not ok - …" and ends with "N passed, M failed".
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
# Every sweep keeps its points' traces (--keep all): these checks are about the files
# each point writes (in-process analytic points write none; issue 15).
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN NEUSPIN_TEST_FS_FAIL_AT

printf 'precious\n' > "$T/victim"
victim_ok() { [ "$(cat "$T/victim")" = precious ] && [ ! -L "$T/victim" ]; }

# --- an empty -o is a usage error, for every command that takes one; nothing is written ---
mkdir -p "$T/cwd"
cat > "$T/s.yaml" <<'EOF'
version: 1
base: {workload: lenet5-mnist, T: 1, seed: 3}
axes:
  - {key: xbar.rows, values: [64, 128, 256]}
EOF
root_state() { ls -l --time-style=+%s.%N /summary.csv /sweep.json 2> /dev/null; }
root_before=$(root_state)
for cmd in "run -o" "sweep $T/s.yaml -o" "compare spindrop -o" "merge $T -o" "plot $T -o"; do
  (cd "$T/cwd" && $NS $cmd "" > /dev/null 2> "$T/err.txt")
  rc=$?
  check "'neuspin $cmd \"\"' exits 2 (got $rc)" "[ $rc -eq 2 ]"
  check "… saying the value is empty" "grep -q 'expected a value, got an empty string' $T/err.txt"
  check "… and writes nothing, here or in /" \
    "[ -z \"\$(ls -A $T/cwd)\" ] && [ \"\$(root_state)\" = \"\$root_before\" ]"
done

# --- symlinks planted in a run directory are replaced, never followed ---
mkdir -p "$T/run"
for f in layers.csv stats.csv run.json; do ln -s "$T/victim" "$T/run/$f"; done
"$NS" run -T 1 -q -o "$T/run"
check "a run into a directory with planted links exits 0" "[ $? -eq 0 ]"
check "… the file the links point to is untouched" "victim_ok"
check "… and the outputs are regular files" \
  "[ -f $T/run/layers.csv ] && [ ! -L $T/run/layers.csv ] && [ ! -L $T/run/run.json ]"
ln -s "$T/run" "$T/runlink"
"$NS" run -T 1 -q -o "$T/runlink" 2> "$T/err.txt"
check "an output directory that is itself a link is refused (exit 1)" "[ $? -eq 1 ]"
check "… saying so" "grep -q 'runlink: is a symbolic link' $T/err.txt"

# --- temporaries of a killed run are removed by the next run ---
printf 'half\n' > "$T/run/.layers.csv.Ab12Cd.tmp"
printf 'half\n' > "$T/run/.run.json.000000.tmp"
"$NS" run -T 1 -q -o "$T/run"
check "the next run removes a killed run's temporaries" \
  "[ -z \"\$(ls -A $T/run | grep '\\.tmp\$')\" ]"

# --- run.json names its files by size and SHA-256 ---
check "run.json records layers.csv's size and SHA-256" \
  "grep -q \"\\\"name\\\": \\\"layers.csv\\\", \\\"bytes\\\": $(stat -c %s $T/run/layers.csv), \\\"sha256\\\": \\\"$(sha256sum < $T/run/layers.csv | cut -c1-64)\\\"\" $T/run/run.json"

# --- one writer per directory ---
if command -v flock > /dev/null; then
  flock "$T/run" sleep 3 &
  holder=$!
  sleep 0.5
  "$NS" run -T 1 -q -o "$T/run" 2> "$T/err.txt"
  rc=$?
  check "a run into a directory another process holds exits 1 (got $rc)" "[ $rc -eq 1 ]"
  check "… saying it is in use" "grep -q 'in use by another neuspin process' $T/err.txt"
  "$NS" sweep "$T/s.yaml" -o "$T/run" --keep all 2> "$T/err.txt"
  check "so does a sweep (exit $?)" "grep -q 'in use by another neuspin process' $T/err.txt"
  kill "$holder" 2> /dev/null
  wait "$holder" 2> /dev/null
else
  echo "ok - # SKIP flock(1) not installed"
fi

# --- a sweep directory: its own, or new, or empty ---
mkdir -p "$T/notsweep" && printf 'mine\n' > "$T/notsweep/thesis.tex"
"$NS" sweep "$T/s.yaml" -o "$T/notsweep" --keep all 2> "$T/err.txt"
check "a non-empty directory without sweep.json is refused (exit $?)" \
  "grep -q 'not empty and holds no sweep.json' $T/err.txt && [ ! -e $T/notsweep/points ]"

"$NS" sweep "$T/s.yaml" -o "$T/ref" --keep all 2> /dev/null
check "a clean 3-point sweep exits 0" "[ $? -eq 0 ]"

# planted links inside a sweep directory
"$NS" sweep "$T/s.yaml" -o "$T/sw" --keep all 2> /dev/null
rm -rf "$T/sw/points/0001" && ln -s "$T" "$T/sw/points/0001"
ln -sf "$T/victim" "$T/sw/points/0002/stderr.txt"
rm -f "$T/sw/points/0002/run.json"
printf 'half\n' > "$T/sw/.summary.csv.Zz99Zz.tmp"
"$NS" sweep "$T/s.yaml" -o "$T/sw" --resume --keep all 2> "$T/err.txt"
rc=$?
check "resume with a point directory planted as a link exits 1 (got $rc)" "[ $rc -eq 1 ]"
check "… that point fails saying why" "grep -q '^1,.*failed,.*points/0001: is a symbolic link' $T/sw/summary.csv"
check "… nothing is written through the links" "victim_ok && [ ! -e $T/layers.csv ] && [ ! -e $T/stderr.txt ]"
check "… the point with a planted stderr.txt reruns fine" "grep -q '^2,.*,ok,\$' $T/sw/summary.csv"
check "… and the killed sweep's temporary is gone" "[ ! -e $T/sw/.summary.csv.Zz99Zz.tmp ]"

# --- resume counts a point as done only when its files are the ones run.json names ---
for how in truncate delete edit; do
  rm -rf "$T/rs" && cp -r "$T/ref" "$T/rs"
  case $how in
    truncate) truncate -s 100 "$T/rs/points/0001/layers.csv" ;;
    delete) rm "$T/rs/points/0001/layers.csv" ;;
    edit) printf '*,*,chip.bus,bits,0,1,bit\n' >> "$T/rs/points/0001/stats.csv" ;;
  esac
  "$NS" sweep "$T/s.yaml" -o "$T/rs" --resume --keep all 2> "$T/err.txt"
  rc=$?
  check "resume after a ${how}d layers/stats file exits 0 (got $rc)" "[ $rc -eq 0 ]"
  check "… reruns that point" "grep -q 'resume: 2 of 3 points already complete, 1 to run (1 of them' $T/err.txt"
  check "… and the summary equals the clean sweep's" "cmp -s $T/ref/summary.csv $T/rs/summary.csv"
done

# --- merge counts an ok row only when its point's files are the ones run.json names ---
rm -rf "$T/mg" && cp -r "$T/ref" "$T/mg"
truncate -s 50 "$T/mg/points/0002/stats.csv"
"$NS" merge "$T/mg" -o "$T/mgout" 2> "$T/err.txt"
rc=$?
check "merge of a sweep with an altered point exits 1 (got $rc)" "[ $rc -eq 1 ]"
check "… naming the point and the file" \
  "grep -q 'point 2 is not counted: .*points/0002/stats.csv: 50 bytes, run.json records' $T/err.txt"
check "… and leaves it out of the merged summary" \
  "[ \$(grep -c '^[01],' $T/mgout/summary.csv) -eq 2 ] && ! grep -q '^2,' $T/mgout/summary.csv"

# --- a network of more than 4096 layers: its row and the counts agree ---
{
  printf 'version: 1\nname: deep\ninput: {c: 1, h: 1, w: 4}\nmc_samples: 1\nlayers:\n'
  for i in $(seq 0 4199); do printf '  - {name: f%d, type: fc, cout: 4}\n' "$i"; done
} > "$T/deep.yaml"
printf 'version: 1\nbase: {workload: deep.yaml, T: 1, timing: analytic}\naxes:\n  - {key: chip.tiles, values: [8192]}\n' > "$T/deep-sweep.yaml"
"$NS" sweep "$T/deep-sweep.yaml" -o "$T/deep" --keep all 2> "$T/err.txt"
rc=$?
check "a 4200-layer sweep point exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "… its row is ok and the sweep says 1 ok" \
  "grep -q '^0,.*,ok,\$' $T/deep/summary.csv && grep -q '1 points: 1 ok, 0 failed' $T/err.txt"

# --- a sweep is bound to its inputs: recorded by SHA-256, copied, points run from the copies ---
mkdir -p "$T/in/inc"
printf 'version: 1\nname: swtest\nxbar: !include inc/xbar.yaml\n' > "$T/in/arch.yaml"
printf 'rows: 128\n' > "$T/in/inc/xbar.yaml"
printf 'version: 1\nname: tiny\ninput: {c: 1, h: 8, w: 8}\nmc_samples: 2\nlayers:\n  - {name: c1, type: conv, cout: 4, k: 3, dropout: 0.2}\n  - {name: f1, type: fc, cout: 10, dropout: 0.2}\n' > "$T/in/net.yaml"
printf 'version: 1\nbase: {arch: arch.yaml, workload: net.yaml, T: 2, seed: 3}\naxes:\n  - {key: xbar.cols, values: [64, 128]}\n' > "$T/in/s.yaml"
NEUSPIN_SWEEP_STOP_AFTER=1 "$NS" sweep "$T/in/s.yaml" -o "$T/bound" --keep all 2> /dev/null
check "an interrupted sweep over files exits 130" "[ $? -eq 130 ]"
for f in s.yaml arch.yaml inc/xbar.yaml net.yaml; do
  entry="{\"path\": \"$T/in/$f\", \"bytes\": $(stat -c %s "$T/in/$f"), \"sha256\": \"$(sha256sum < "$T/in/$f" | cut -c1-64)\"}"
  check "sweep.json records $f by size and SHA-256" "grep -qF '$entry' $T/bound/sweep.json"
done
check "every input, the include too, is copied byte for byte" \
  "cmp -s $T/in/inc/xbar.yaml $T/bound/inputs/files/002-xbar.yaml && cmp -s $T/in/s.yaml $T/bound/inputs/files/000-s.yaml"
check "points run from the copies, not the originals" \
  "grep -qF '\"source\": \"$T/bound/inputs/network-0.yaml\"' $T/bound/points/0000/run.json"
cp "$T/bound/summary.csv" "$T/bound.sum"
printf 'rows: 256\n' > "$T/in/inc/xbar.yaml"
"$NS" sweep "$T/in/s.yaml" -o "$T/bound" --resume --keep all 2> "$T/err.txt"
rc=$?
check "resume after an included file changed exits 2 (got $rc)" "[ $rc -eq 2 ]"
check "… naming the file" "grep -qF '$T/in/inc/xbar.yaml changed since this sweep started' $T/err.txt"
check "… and runs nothing (the summary is as it was)" \
  "cmp -s $T/bound.sum $T/bound/summary.csv && [ ! -e $T/bound/points/0001/run.json ]"
"$NS" sweep "$T/in/s.yaml" -o "$T/bound" --resume --restart --keep all 2> "$T/err.txt"
check "--resume with --restart is a usage error" "[ $? -eq 2 ] && grep -q 'exclude each other' $T/err.txt"
"$NS" sweep "$T/in/s.yaml" -o "$T/bound" --restart --keep all 2> /dev/null
rc=$?
check "--restart starts over from the changed inputs (exit $rc)" \
  "[ $rc -eq 0 ] && [ \$(grep -c ',ok,\$' $T/bound/summary.csv) -eq 2 ] && grep -q 'rows: 256' $T/bound/inputs/arch.yaml"

# --- small defects ---
"$NS" run -T 1 -q --seed 18446744073709551615 > /dev/null 2> "$T/err.txt"
check "--seed 2^64-1 is accepted (exit $?)" "[ ! -s $T/err.txt ]"
"$NS" run -T 1 -q --seed 18446744073709551616 > /dev/null 2> "$T/err.txt"
check "--seed 2^64 is refused (exit $?)" "grep -q 'expected integer in \\[0, 18446744073709551615\\], got \"18446744073709551616\"' $T/err.txt"

# write failures name the path and the system's reason, and leave nothing behind
for n in 1 2 3 4; do
  rm -rf "$T/full"
  NEUSPIN_TEST_FS_FAIL_AT=$n "$NS" run -T 1 -q -o "$T/full" 2> "$T/err.txt"
  rc=$?
  check "a full disk at the file operation $n exits 1 (got $rc)" "[ $rc -eq 1 ]"
  check "… naming the file and the reason" \
    "grep -Eq '^neuspin: error: $T/full/(layers.csv|stats.csv|run.json): cannot (create|write): No space left on device\$' $T/err.txt"
  check "… leaving no file" "[ -z \"\$(ls -A $T/full 2>/dev/null)\" ]"
done

finish
