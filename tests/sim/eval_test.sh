#!/usr/bin/env bash
# eval_test.sh - `neuspin eval` and `neuspin compare --eval` end to end: the accuracy of the
# deterministic model against the trainer's own predictions (PyTorch, in the .ref.json),
# byte-identical outputs for any --jobs and the same seed, the OOD columns, and every bad
# input refused with one line and exit 2.
#   usage: eval_test.sh NEUSPIN SOURCE_DIR
NS=$1
SRC=$2
. "$SRC/tests/lib.sh"
TR=$SRC/workloads/trained
DIG=$TR/ood/digits-images-idx3-ubyte.gz
DIGL=$TR/ood/digits-labels-idx1-ubyte.gz
FM=/usr/share/datasets/fashion-mnist
[ -f "$TR/lenet5-none.onnx" ] && [ -f "$DIG" ] || { echo "no committed models: skipped"; exit 77; }

# The digits set as the test set: the pipeline without the Fashion-MNIST package.
"$NS" eval -w "$TR/lenet5-none.onnx" --images "$DIG" --labels "$DIGL" -n 40 --ood noise,rotate \
  -o "$T/d1" -q
check "eval writes eval.csv and eval.json" '[ -f "$T/d1/eval.csv" ] && [ -f "$T/d1/eval.json" ]'
check "eval.csv: header with one rate and AUROC column per OOD set" \
  '[ "$(head -1 "$T/d1/eval.csv")" = "scheme,model,file,images,T,accuracy,nll,ece,brier,entropy,mi,ood_noise_rate,ood_noise_auroc,ood_rotate_rate,ood_rotate_auroc,energy_uj,latency_us,area_mm2,p_mean" ]'
check "eval.csv: scheme none runs one pass over 40 images" \
  '[ "$(sed -n 2p "$T/d1/eval.csv" | cut -d, -f1,4,5)" = "none,40,1" ]'
check "no temporary left behind" '[ -z "$(ls -A "$T/d1" | grep -v "^eval\.")" ]'

# A Bayesian model: same seed, any --jobs -> the same bytes; another seed -> other figures.
M=$TR/lenet5-mc_dropout.onnx
if [ -f "$M" ]; then
  for j in 1 2 3; do
    "$NS" eval -w "$M" --images "$DIG" --labels "$DIGL" -n 24 -T 4 --ood noise,rotate:10:20 \
      --seed 5 -j $j -o "$T/j$j" -q
  done
  check "--jobs 1, 2, 3: byte-identical eval.json" \
    'cmp -s "$T/j1/eval.json" "$T/j2/eval.json" && cmp -s "$T/j1/eval.json" "$T/j3/eval.json"'
  check "--jobs 1, 2, 3: byte-identical eval.csv" \
    'cmp -s "$T/j1/eval.csv" "$T/j2/eval.csv" && cmp -s "$T/j1/eval.csv" "$T/j3/eval.csv"'
  "$NS" eval -w "$M" --images "$DIG" --labels "$DIGL" -n 24 -T 4 --ood noise,rotate:10:20 \
    --seed 6 -o "$T/s6" -q
  check "another --seed, other masks and noise" '! cmp -s "$T/j1/eval.csv" "$T/s6/eval.csv"'
  check "mc_dropout: mutual information > 0" \
    '[ "$(sed -n 2p "$T/j1/eval.csv" | cut -d, -f11 | awk "{print (\$1 > 0)}")" = 1 ]'
fi

# Accuracy of the mean network (scheme none, T = 1) on the first 300 Fashion-MNIST test
# images equals the fraction of the trainer's predictions (PyTorch, lenet5-none.ref.json
# "pred") that match the labels: computed here by python, not by neuspin.
if [ -f "$FM/t10k-labels-idx1-ubyte.gz" ] && [ -x /usr/bin/python3 ]; then
  want=$(/usr/bin/python3 - "$TR/lenet5-none.ref.json" "$FM/t10k-labels-idx1-ubyte.gz" <<'PY'
import gzip, json, sys
pred = json.load(open(sys.argv[1]))["pred"][:300]
lab = gzip.open(sys.argv[2]).read()[8:8 + 300]
print("%.10g" % (sum(p == l for p, l in zip(pred, lab)) / 300))
PY
)
  "$NS" eval -w "$TR/lenet5-none.onnx" -n 300 --ood none -o "$T/fm" -q
  got=$(sed -n 2p "$T/fm/eval.csv" | cut -d, -f6)
  check "accuracy on 300 test images = the trainer's ($want)" '[ "$got" = "$want" ]'
  check "default data: eval.json names the Fashion-MNIST t10k file" \
    'grep -q "\"images_file\": \"$FM/t10k-images-idx3-ubyte.gz\"" "$T/fm/eval.json"'
fi

# compare --eval: a row per model.
"$NS" compare --eval "$TR/lenet5-none.onnx" --eval "$TR/lenet5-none.onnx" --images "$DIG" \
  --labels "$DIGL" -n 10 --ood noise -o "$T/cmp" > "$T/cmp.out"
check "compare --eval: header and two rows" '[ "$(wc -l < "$T/cmp/compare-eval.csv")" = 3 ]'
check "compare --eval: table names the model" 'grep -q "^lenet5-none " "$T/cmp.out"'

# Bad input: one line, exit 2.
refuse() { # name, expected text, command...
  local name=$1 want=$2
  shift 2
  "$@" > "$T/out" 2> "$T/err"
  local rc=$?
  check "$name: exit 2" '[ $rc = 2 ]'
  check "$name: says '$want'" 'grep -qF -- "$want" "$T/err" && [ "$(wc -l < "$T/err")" = 1 ]'
}
printf '\0\0\10\3\0\0\0\2\0\0\0\34\0\0\0\34abc' > "$T/short.idx"
refuse "no model" "the model (-w MODEL.onnx) is required but not given" "$NS" eval -o "$T/x"
refuse "images without labels" "give both --images and --labels" \
  "$NS" eval -w "$TR/lenet5-none.onnx" --images "$DIG"
refuse "truncated IDX" "$T/short.idx: error: truncated: the header says 1568 data bytes" \
  "$NS" eval -w "$TR/lenet5-none.onnx" --images "$T/short.idx" --labels "$DIGL"
refuse "unknown OOD set" "--ood: expected noise, rotate[:LO:HI], idx:FILE or none, got 'fog'" \
  "$NS" eval -w "$TR/lenet5-none.onnx" --images "$DIG" --labels "$DIGL" --ood noise,fog
refuse "bad rotation range" "expected rotate:LO:HI" \
  "$NS" eval -w "$TR/lenet5-none.onnx" --images "$DIG" --labels "$DIGL" --ood rotate:90:10
refuse "--jobs 0" "<cmdline>:1:" "$NS" eval -w "$TR/lenet5-none.onnx" --jobs 0
{ printf '\0\0\10\3\0\0\0\2\0\0\0\34\0\0\0\34'; head -c 1568 /dev/zero; } > "$T/two.idx"
refuse "labels for other images" "1797 labels for the 2 images" \
  "$NS" eval -w "$TR/lenet5-none.onnx" --images "$T/two.idx" --labels "$DIGL"
refuse "missing model" "nothing.onnx" "$NS" eval -w "$T/nothing.onnx" --images "$DIG" --labels "$DIGL"
refuse "compare: --ood without --eval" "go with --eval" "$NS" compare --ood noise
finish
