#!/usr/bin/env bash
# safety_test.sh - crash-safe outputs of the neuspin executable, end to end:
#  - SIGINT and SIGTERM during a long run (ResNet-18, T = 100000) stop it with exit 130 and
#    leave no file under a final or a temporary name;
#  - a second run into a directory holding a complete earlier run, which is interrupted or
#    fails, leaves the earlier files byte for byte;
#  - standard output on /dev/full, an output path under a regular file and an unwritable
#    output directory (skipped as root) are clear errors with exit 1;
#  - the run-cost estimate equals the event model's transaction count on every built-in
#    scheme, and a run over a limit is refused before it starts (exit 2).
#   usage: safety_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
sums() { (cd "$1" && ls -A | sort | xargs -r sha256sum); }

# Lines in the run's temporary layers file under $1 (0 while there is none).
tmp_lines() { cat "$1"/.layers.csv.*.tmp 2> /dev/null | wc -l; }

# Starts a long run into $1 in the background, waits (at most 60 s, no fixed sleep) until
# its temporary layers file holds the header and a first record, so it is simulating and
# has output to remove, sends signal $2, and waits for it.  Sets rc and leaves its
# standard error in $T/int.err.
interrupt_run() {
  local dir=$1 sig=$2
  "$NS" run -w resnet18-cifar10 -T 100000 --max-events 0 --max-trace-mb 0 -q -o "$dir" \
    > /dev/null 2> "$T/int.err" &
  local pid=$! i=0
  while [ $i -lt 1200 ] && [ "$(tmp_lines "$dir")" -lt 2 ] && kill -0 "$pid" 2> /dev/null; do
    sleep 0.05
    i=$((i + 1))
  done
  check "SIG$sig is sent while the run simulates (it wrote a record)" "[ $(tmp_lines "$dir") -ge 2 ]"
  kill -s "$sig" "$pid"
  i=0
  while kill -0 "$pid" 2> /dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$pid" 2> /dev/null; then
    kill -9 "$pid"
    echo "# the run did not stop within 60 s of SIG$sig"
  fi
  wait "$pid"
  rc=$?
}

# --- signals: exit 130, nothing left behind ---
for sig in INT TERM; do
  interrupt_run "$T/sig$sig" "$sig"
  check "SIG$sig during a run exits 130 (got $rc)" "[ $rc -eq 130 ]"
  check "SIG$sig: the run says it was interrupted" "grep -qx 'neuspin: interrupted; no output written' $T/int.err"
  check "SIG$sig: no file left, final or temporary ($(ls -A "$T/sig$sig" 2>/dev/null | tr '\n' ' '))" \
    "[ -z \"\$(ls -A $T/sig$sig 2>/dev/null)\" ]"
done

# --- earlier results survive a second run that fails ---
"$NS" run -w lenet5-mnist -T 2 -q -o "$T/keep"
check "a first run completes" "[ $? -eq 0 ] && [ -s $T/keep/run.json ]"
sums "$T/keep" > "$T/keep.sums"
interrupt_run "$T/keep" INT
check "an interrupted second run into the same directory exits 130" "[ $rc -eq 130 ]"
check "… and leaves the earlier files byte for byte, nothing added" "diff <(sums $T/keep) $T/keep.sums"
printf 'version: 1\nxbar: {rows: 0}\n' > "$T/bad.yaml"
"$NS" run -a "$T/bad.yaml" -q -o "$T/keep" 2> /dev/null
check "a second run with a bad architecture exits 2" "[ $? -eq 2 ]"
check "… and leaves the earlier files byte for byte" "diff <(sums $T/keep) $T/keep.sums"
if [ "$(id -u)" -ne 0 ]; then
  chmod 555 "$T/keep"
  "$NS" run -w lenet5-mnist -T 1 -q -o "$T/keep" 2> "$T/err.txt"
  rc=$?
  chmod 755 "$T/keep"
  check "a second run into an unwritable directory exits 1 (got $rc)" "[ $rc -eq 1 ]"
  check "… with a clear message" "grep -q '^neuspin: error: $T/keep/layers\.csv: cannot create: Permission denied' $T/err.txt"
  check "… and leaves the earlier files byte for byte" "diff <(sums $T/keep) $T/keep.sums"
else
  echo "ok - # SKIP unwritable output directory: running as root, which writes anywhere"
fi

# --- outputs that cannot be written: exit 1, one clear line ---
touch "$T/plain"
"$NS" run -w lenet5-mnist -T 1 -q -o "$T/plain/out" 2> "$T/err.txt"
check "an output directory under a regular file exits 1" "[ $? -eq 1 ]"
check "… saying so" "grep -qx 'neuspin: error: $T/plain/out: cannot create output directory: Not a directory' $T/err.txt"
check "… and leaves the file alone" "[ -f $T/plain ] && [ ! -s $T/plain ]"
for cmd in "config" "config --list-params" "run -w lenet5-mnist -T 1" "list" "--version" "validate $SRC/configs/default.yaml"; do
  $NS $cmd > /dev/full 2> "$T/err.txt"
  rc=$?
  check "'neuspin $cmd > /dev/full' exits 1 (got $rc)" "[ $rc -eq 1 ]"
  check "… with a clear message" "grep -qx 'neuspin: error: writing to standard output failed: No space left on device' $T/err.txt"
done

# --- resource limits: the estimate is the model's own count; over a limit is refused ---
for a in default spindrop spatial-spindrop scaledrop affine-dropout subset-vi spinbayes \
         mc-dropout mc-dropconnect deterministic; do
  rm -rf "$T/est"
  "$NS" run -a "$a" -w lenet5-mnist -T 2 -q -o "$T/est"
  n=$(awk -F, '$3 == "chip.bus.adapter" && $4 == "transports" { print $6 }' "$T/est/stats.csv")
  "$NS" run -a "$a" -w lenet5-mnist -T 2 -q --max-events "$n" > /dev/null 2>&1
  r1=$?
  "$NS" run -a "$a" -w lenet5-mnist -T 2 -q -o "$T/never" --max-events $((n - 1)) > /dev/null 2> "$T/err.txt"
  r2=$?
  check "$a: the estimate is the bus's $n transactions (a limit of $n runs, $((n - 1)) is refused)" \
    "[ $r1 -eq 0 ] && [ $r2 -eq 2 ] && grep -qx 'neuspin: error: the run needs an estimated $n transactions (limit $((n - 1))); raise it with --max-events' $T/err.txt && [ ! -e $T/never ]"
done
"$NS" run -w resnet18-cifar10 -T 100000 -q -o "$T/never" 2> "$T/err.txt"
check "ResNet-18 with T = 100000 is over the default event limit (exit 2, nothing written)" \
  "[ $? -eq 2 ] && grep -q '^neuspin: error: the run needs an estimated [0-9]* transactions (limit 2000000000); raise it with --max-events$' $T/err.txt && [ ! -e $T/never ]"
"$NS" run -w lenet5-mnist -T 2 -q -o "$T/never" --max-trace-mb 0 --max-mem-mb 1 2> "$T/err.txt"
check "a memory limit below the estimate is refused" \
  "[ $? -eq 2 ] && grep -q '^neuspin: error: the run needs an estimated [0-9]* MB of memory (limit 1 MB); raise it with --max-mem-mb$' $T/err.txt"
"$NS" run -w resnet18-cifar10 -T 20000 -q -o "$T/never" --max-events 0 --max-trace-mb 100 2> "$T/err.txt"
check "a trace limit below the estimate is refused" \
  "[ $? -eq 2 ] && grep -q '^neuspin: error: the run.s traces need an estimated [0-9]* MB (limit 100 MB); raise it with --max-trace-mb$' $T/err.txt"
"$NS" run -w lenet5-mnist -T 2 -q --max-trace-mb 0 --max-events 0 --max-mem-mb 0
check "0 lifts every limit" "[ $? -eq 0 ]"

finish
