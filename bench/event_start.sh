#!/usr/bin/env bash
# bench/event_start.sh - what starting event-mode sweep points from a pre-initialised parent
# saves (issue 15, item 1; docs/performance.md).  An event point runs as its own process
# because SystemC elaborates once per process.  Started with exec, each point pays the
# dynamic loader and the libraries' start-up again; forked from the sweep (sim/cmd/child.c,
# the default now), it does not.  Measures, medians of REPS in one run, runs interleaved:
#   - the fixed start of a process (`neuspin --version` minus `/bin/true`) beside whole
#     `neuspin run` event points of LeNet-5 and ResNet-18, and
#   - an event sweep of 24 LeNet-5 points (T = 1 and T = 20, -j 2) with each binary given,
#     e.g. one built before the fork and one after.  Not a test.
#   usage: bench/event_start.sh REPS NEUSPIN [NEUSPIN...]
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:?usage: bench/event_start.sh REPS NEUSPIN [NEUSPIN...]}
shift
[ $# -ge 1 ] || { echo "usage: bench/event_start.sh REPS NEUSPIN [NEUSPIN...]" >&2; exit 2; }
for ns in "$@"; do [ -x "$ns" ] || { echo "event_start.sh: no neuspin at $ns" >&2; exit 2; }; done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
for T in 1 20; do
  cat > "$TMP/s$T.yaml" <<EOF
version: 1
base: {workload: lenet5-mnist, T: $T, timing: event}
axes:
  - {key: xbar.rows, values: [64, 128, 256]}
  - {key: senseamp.cols_per_sa, values: [1, 2, 4, 8]}
  - {key: dropout.impl, values: [spindrop, mc_dropout]}
EOF
done
/usr/bin/python3 - "$REPS" "$TMP" "$@" <<'PY'
import statistics, subprocess, sys, time
reps, tmp, bins = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def once(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
def med(cmds):  # cmds: name -> argv; interleaved, REPS each
    ts = {k: [] for k in cmds}
    for _ in range(reps):
        for k, c in cmds.items():
            ts[k].append(once(c))
    return {k: statistics.median(v) * 1e3 for k, v in ts.items()}
ns = bins[-1]
base = med({"true": ["/bin/true"], "version": [ns, "--version"]})
start = base["version"] - base["true"]
print(f"fixed start of a process ({ns} --version minus /bin/true): {start:.2f} ms\n")
print("| event point (`neuspin run`) | median ms | fixed start share |")
print("|---|---|---|")
for w, T in (("lenet5-mnist", 1), ("lenet5-mnist", 20), ("resnet18-cifar10", 1),
             ("resnet18-cifar10", 20)):
    m = med({"r": [ns, "run", "-w", w, "-T", str(T), "-qo", f"{tmp}/p"]})["r"] - base["true"]
    print(f"| {w}, T = {T} | {m:.1f} | {100 * start / m:.1f} % |")
print("\n| 24-point LeNet-5 event sweep, -j 2 | " + " | ".join(bins) + " |")
print("|---|" + "---|" * len(bins))
for T in (1, 20):
    cmds = {b: [b, "sweep", f"{tmp}/s{T}.yaml", "-o", f"{tmp}/o{i}", "-j", "2", "--restart"]
            for i, b in enumerate(bins)}
    r = med(cmds)
    first = r[bins[0]]
    print(f"| T = {T}, ms (ratio to the first) | " +
          " | ".join(f"{r[b]:.0f} ({r[b] / first:.2f})" for b in bins) + " |")
PY
