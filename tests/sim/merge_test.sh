#!/usr/bin/env bash
# merge_test.sh - `neuspin merge` on hostile summaries: every row is checked against the
# sweep's manifest before anything is allocated, so an index of 2^64-1 (segfaulted), 2^64-2
# (looped forever) or 10^9 (allocated 4.9 GB) is one file:line:col error, and truncated,
# malformed, duplicate and other sweeps' rows are refused; nothing is written then.
#   usage: merge_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
. "$(dirname "$0")/../lib.sh"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
cat > "$T/s.yaml" <<'EOF2'
version: 1
base: {workload: lenet5-mnist, T: 1, seed: 3}
axes:
  - {key: dropout.impl, values: [spindrop, mc_dropout]}
  - {key: mapping, values: [1, 2]}
EOF2
"$NS" sweep "$T/s.yaml" -o "$T/sw" 2> /dev/null
check "the 4-point sweep runs" "[ \$? -eq 0 ] && [ \$(wc -l < $T/sw/summary.csv) -eq 5 ]"
H=$(head -1 "$T/sw/summary.csv")
ROW1=$(sed -n 2p "$T/sw/summary.csv")

# bad NAME ROWS...: a sweep directory whose summary.csv is the header and ROWS (printf %b)
bad_dir() {
  rm -rf "$T/$1"
  mkdir "$T/$1"
  cp "$T/sw/sweep.json" "$T/$1/"
  printf '%s\n%b' "$H" "$2" > "$T/$1/summary.csv"
}
# refused NAME WANT: merge of $T/NAME exits 2 within 10 s, prints WANT, writes nothing
refused() {
  timeout 10 "$NS" merge "$T/$1" -o "$T/out-$1" > /dev/null 2> "$T/$1.err"
  local rc=$?
  WANT=$2
  check "$1: merge exits 2 (got $rc)" "[ $rc -eq 2 ]"
  check "$1: the message is '$2'" "grep -qF -- \"\$WANT\" $T/$1.err || { cat $T/$1.err; false; }"
  check "$1: nothing written" "[ ! -e $T/out-$1/summary.csv ]"
}
REST=${ROW1#0,}
bad_dir max "18446744073709551615,$REST\n"
refused max "$T/max/summary.csv:2:1: error: column 'point': expected an integer in [0, 3], got \"18446744073709551615\""
bad_dir max1 "18446744073709551614,$REST\n"
refused max1 "$T/max1/summary.csv:2:1: error: column 'point': expected an integer in [0, 3], got \"18446744073709551614\""
bad_dir big "1000000000,$REST\n"
refused big "$T/big/summary.csv:2:1: error: column 'point': expected an integer in [0, 3], got \"1000000000\""
bad_dir over "18446744073709551616,$REST\n"
refused over "error: column 'point': expected an integer in [0, 3], got \"18446744073709551616\""
bad_dir trunc "$ROW1\n1,mc_dropo"
refused trunc "$T/trunc/summary.csv:3:11: error: the last record has no line end: the file is truncated"
bad_dir noeol "$ROW1"
refused noeol "error: the last record has no line end: the file is truncated"
bad_dir garbage "$ROW1\n1,garbage\n"
refused garbage "$T/garbage/summary.csv:3:3: error: expected 14 fields, got 2"
bad_dir abc "${ROW1/,ok,/,ok,}\n"
sed -i '2s/^\(0,[^,]*,[^,]*,[^,]*\),[^,]*,/\1,abc,/' "$T/abc/summary.csv"
refused abc "error: column 'energy_pj': expected a number, got \"abc\""
bad_dir dup "$ROW1\n$ROW1\n"
refused dup "$T/dup/summary.csv:3:1: error: point 0 is given twice in one file (first on line 2)"
bad_dir status "${ROW1/,ok,/,fine,}\n"
refused status "error: column 'status': expected ok, failed or invalid, got \"fine\""
bad_dir quote "0,\"spin\"drop\",x\n"
refused quote "error: expected ',' or a line end after a closing quote"
# another sweep: a different manifest
sed 's/"points": 4/"points": 5/' "$T/sw/sweep.json" > "$T/other.json"
mkdir "$T/other"
cp "$T/sw/summary.csv" "$T/other/"
cp "$T/other.json" "$T/other/sweep.json"
timeout 10 "$NS" merge "$T/sw" "$T/other" -o "$T/out-other" > /dev/null 2> "$T/other.err"
check "inputs of two sweeps are refused with exit 2" "[ \$? -eq 2 ] && grep -q 'another sweep' $T/other.err"
rm -f "$T/other/sweep.json"
timeout 10 "$NS" merge "$T/other" -o "$T/out-noman" > /dev/null 2> "$T/noman.err"
check "a summary without its sweep.json is refused" "[ \$? -eq 2 ] && grep -q 'sweep.json: cannot read' $T/noman.err"
# a good merge is still byte-identical, and a second ok row that differs is refused
timeout 10 "$NS" merge "$T/sw" -o "$T/good" 2> /dev/null
check "merging a whole sweep gives its summary byte for byte" "[ \$? -eq 0 ] && cmp -s $T/sw/summary.csv $T/good/summary.csv"
mkdir "$T/conf"
cp "$T/sw/sweep.json" "$T/conf/"
sed '2s/^0,\([^,]*\),\([^,]*\),\([^,]*\),[0-9.]*,/0,\1,\2,\3,1,/' "$T/sw/summary.csv" > "$T/conf/summary.csv"
timeout 10 "$NS" merge "$T/sw" "$T/conf" -o "$T/out-conf" > /dev/null 2> "$T/conf.err"
check "two different ok rows for one point are refused" "[ \$? -eq 2 ] && grep -q 'point 0 has another result' $T/conf.err"
finish
