#!/usr/bin/env bash
# plot_test.sh - `neuspin plot` cannot execute anything: hostile strings (backticks,
# system("..."), $(...), double quotes, newlines, '#') driven through every string that
# reaches a figure - architecture name, workload name, layer names, sweep axis keys and
# values, scheme names - leave no marker file and the figures still render.  Also: the
# data files are rows of safe text, a sweep that fixes the seed is coloured by its varied
# key, and the figures are templates run as `gnuplot -c NAME.gp`.
#   usage: plot_test.sh NEUSPIN SOURCE_DIR
set -u
NS=$1
SRC=$2
. "$(dirname "$0")/../lib.sh"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
if ! command -v gnuplot > /dev/null; then
  echo "skipped: gnuplot is not installed (scripts/setup installs gnuplot-nox)"
  exit 77
fi
M=$T/marker   # every payload tries to create a file under $M
mkdir "$M"
# One payload per gnuplot (and shell) expansion; YAML single-quoted so nothing is lost.
P1='x`touch '$M'/bt`'
P2='s system("touch '$M'/sys")'
P3='d $(touch '$M'/dollar)'
P4="q\" . system('touch $M/quote') . \""
# an architecture named by P1..P4 in turn (names are at most 63 bytes: P4 is cut by the
# loader's limit?  then the test still passes it in full through the sweep value below)
for i in 1 2 3 4; do
  eval "p=\$P$i"
  printf "version: 1\nname: '%s'\n" "${p//\'/\'\'}" > "$T/a$i.yaml"
done
# a workload whose name and layer names carry the payloads (YAML refuses control
# characters in names; newlines reach plot through CSV fields, below)
cat > "$T/w.yaml" <<EOW
version: 1
name: '${P1//\'/\'\'}'
input: {c: 1, h: 28, w: 28}
mc_samples: 2
layers:
  - {name: '${P2//\'/\'\'}', type: conv, cout: 6, k: 5, pad: 2, dropout: 0.2}
  - {name: "#${P3//\"/\\\"}", type: maxpool, k: 2, stride: 2}
  - {name: "q\\"${P1//\"/\\\"}", type: fc, cout: 10, dropout: 0.2}
EOW
"$NS" run -a "$T/a1.yaml" -w "$T/w.yaml" -T 2 -q -o "$T/run" > "$T/run.txt" 2>&1
check "a run with hostile names exits 0" "[ \$? -eq 0 ] || { cat $T/run.txt; false; }"
"$NS" plot "$T/run" -o "$T/pr" > "$T/pr.txt" 2>&1
check "plot of that run exits 0" "[ \$? -eq 0 ] || { cat $T/pr.txt; false; }"
check "its PNG and SVG are rendered" "[ -s $T/pr/layer-energy.png ] && xmllint --noout $T/pr/layer-energy.svg"
check "the run's data file has one row per layer (3), none split" \
  "[ \$(grep -vc '^#' $T/pr/layer-energy.dat) -eq 3 ]"
check "no data or labels line holds a double quote" "! grep -q '\"' $T/pr/layer-energy.dat $T/pr/layer-energy.labels"
check "the script is the template, byte for byte" "cmp -s $T/pr/layer-energy.gp $SRC/traces/plots/layer-energy.gp"

# compare: the four hostile architectures and a built-in
"$NS" compare spindrop "$T/a1.yaml" "$T/a2.yaml" "$T/a3.yaml" "$T/a4.yaml" -T 1 -o "$T/cmp" > "$T/c.txt" 2>&1
check "compare with hostile architecture names exits 0" "[ \$? -eq 0 ] || { cat $T/c.txt; false; }"
"$NS" plot "$T/cmp" -o "$T/pc" > "$T/pc.txt" 2>&1
check "plot of that comparison exits 0" "[ \$? -eq 0 ] || { cat $T/pc.txt; false; }"
check "one row per architecture (5)" "[ \$(grep -vc '^#' $T/pc/schemes.dat) -eq 5 ]"
check "the baseline is 1 in every metric" \
  "awk -F'\t' '!/^#/ && NR <= 2 { for (i = 3; i <= 8; i++) if (\$i != 1) exit 1 }' $T/pc/schemes.dat"
"$NS" plot "$T/cmp" -o "$T/pc2" --baseline nosuch > /dev/null 2> "$T/pb.txt"
check "an unknown --baseline is refused with exit 2" "[ \$? -eq 2 ] && grep -q 'no architecture of that name' $T/pb.txt"

# a sweep whose axis key and values carry the payloads (name is an architecture key), with
# the seed fixed by an axis: the points are still coloured by the varied key
cat > "$T/s.yaml" <<EOS
version: 1
base: {workload: lenet5-mnist, T: 1}
axes:
  - {key: seed, values: [5]}
  - key: name
    values: ['${P1//\'/\'\'}', '${P2//\'/\'\'}', '${P3//\'/\'\'}']
  - {key: mapping, values: [1, 2]}
EOS
"$NS" sweep "$T/s.yaml" -o "$T/sw" -j 2 > "$T/s.txt" 2>&1
check "a sweep with hostile axis values exits 0" "[ \$? -eq 0 ] || { cat $T/s.txt; false; }"
"$NS" plot "$T/sw" -o "$T/ps" > "$T/ps.txt" 2>&1
check "plot of that sweep exits 0" "[ \$? -eq 0 ] || { cat $T/ps.txt; false; }"
check "its PNG is a PNG" "head -c 8 $T/ps/energy-latency.png | od -An -c | grep -q 'P   N   G'"
check "a sweep that fixes the seed is coloured by a varied key (3 groups of name)" \
  "[ \$(grep -c '^# group: name = ' $T/ps/energy-latency.dat) -eq 3 ]"
check "the data file has one line per point (6)" "[ \$(grep -c '^[0-9]' $T/ps/energy-latency.dat) -eq 6 ]"

# a newline and a payload in a quoted axis value of a summary (RFC 4180): one row, safe text
cp -r "$T/sw" "$T/nl"
awk -v m="$M" 'NR == 2 { sub(/^0,5,[^,]*,/, "0,5,\"two\nlines `touch " m "/nl`\","); } { print }' \
  "$T/sw/summary.csv" > "$T/nl/summary.csv"
"$NS" plot "$T/nl" -o "$T/pnl" > "$T/pnl.txt" 2>&1
check "a quoted newline in an axis value is one field: plot exits 0" "[ \$? -eq 0 ] || { cat $T/pnl.txt; false; }"
check "and the data keeps one line per point (6)" "[ \$(grep -c '^[0-9]' $T/pnl/energy-latency.dat) -eq 6 ]"
check "and the value is shown as one line" "grep -q '^# group: name = two lines ' $T/pnl/energy-latency.dat"

check "no payload ran: no marker file" "[ -z \"\$(ls -A $M)\" ] || { ls -A $M; false; }"

# a summary with a non-number where a number belongs: refused with file:line:col
cp -r "$T/sw" "$T/bad"
sed -i '2s/,ok,$/,ok,/; 2s/^\([^,]*,[^,]*,[^,]*,[^,]*\),[0-9.]*,/\1,abc,/' "$T/bad/summary.csv"
"$NS" plot "$T/bad" -o "$T/pbad" > /dev/null 2> "$T/bad.txt"
rc=$?
check "a summary with energy_pj \"abc\" is refused (exit $rc) with file:line:col" \
  "[ $rc -ne 0 ] && grep -q \"^$T/bad/summary.csv:2:[0-9]*: error: column 'energy_pj': expected a number, got \\\"abc\\\"\$\" $T/bad.txt"
finish
