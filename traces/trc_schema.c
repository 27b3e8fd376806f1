/* trc_schema.c - the schema table of every output file (see trc_read.h): the writers print
 * their headers from these tables, the readers check against them, and traces/README.md
 * documents them (tests/traces/check_read.c diffs the README against them). */
#include "trc_read.h"

#include <string.h>

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

/* ---- layers.csv ---- */
static const trc_col_t layers_cols[] = {
    {"layer", TRC_T_U64, "", "layer index (network order)", 0},
    {"name", TRC_T_STR, "", "layer name (at most 63 bytes)", 0},
    {"kind", TRC_T_STR, "", "conv, fc, maxpool, avgpool, add", 0},
    {"pass", TRC_T_U64, "", "MC pass, 0-based", 0},
    {"mapping", TRC_T_U64, "", "conv mapping strategy 1 or 2; 0 for layers without crossbars", 0},
    {"tiles", TRC_T_U64, "", "crossbar tiles holding the layer", 0},
    {"start_cycle", TRC_T_U64, "cycle", "cycle the layer started in this pass", 0},
    {"cycles", TRC_T_U64, "cycle", "cycles it took", 0},
    {"latency_ns", TRC_T_F64, "ns", "cycles x the clock period", 0},
    {"energy_pj", TRC_T_F64, "pJ", "its energy in this pass (sum of the e_* columns)", 0},
    /* one per comp_t, in comp_t order (a test checks the names against comp_name) */
    {"e_xbar_pj", TRC_T_F64, "pJ", "energy of the crossbar arrays", 0},
    {"e_wldec_pj", TRC_T_F64, "pJ", "energy of the word-line decoders", 0},
    {"e_sa_pj", TRC_T_F64, "pJ", "energy of the sense amplifiers", 0},
    {"e_drng_pj", TRC_T_F64, "pJ", "energy of the dropout modules (RNG)", 0},
    {"e_arb_pj", TRC_T_F64, "pJ", "energy of the stochastic arbiter", 0},
    {"e_sbuf_pj", TRC_T_F64, "pJ", "energy of the SRAM buffers", 0},
    {"e_digital_pj", TRC_T_F64, "pJ",
     "energy of the digital periphery (adders, activation, pooling)", 0},
    {"e_bus_pj", TRC_T_F64, "pJ", "energy of the interconnect", 0},
    {"e_leak_pj", TRC_T_F64, "pJ",
     "leakage: static_uw x latency_ns x 1e-3 (uW x ns = fJ; the rule: README, Leakage)", 0},
    {"rng_modules", TRC_T_U64, "", "physical dropout modules of the layer", 0},
    {"rng_bits", TRC_T_U64, "bit", "random bits drawn in this pass", 0},
    {"rng_cycles", TRC_T_U64, "cycle",
     "cycles the stochastic units (dropout modules, arbiter, subset-VI sampling) were busy; "
     "they can overlap other work",
     0},
    {"rows_dropped", TRC_T_U64, "", "word-line pairs left undriven by the masks in this pass", 0},
    {"weight_bits", TRC_T_U64, "bit", "binary weights stored (cells = 2 x weight_bits)", 0},
    {"bayes_bits", TRC_T_U64, "bit",
     "Bayesian-parameter memory: SpinBayes' posterior samples, subset VI's scale mean and "
     "deviation (multi-level SOT cells)",
     0},
    {"bayes_cells", TRC_T_U64, "", "multi-level cells holding bayes_bits", 0},
    {"sram_bits", TRC_T_U64, "bit",
     "scheme state in the SRAM scale buffer: ScaleDrop's scale vector, Affine Dropout's gamma "
     "and beta",
     0},
    {"area_um2", TRC_T_F64, "um^2",
     "area of the blocks the layer owns: its tiles (array, word-line drivers, sense amps), "
     "dropout modules with their trim, arbiter",
     0},
    {"static_uw", TRC_T_F64, "uW",
     "static power while the layer runs: its own blocks plus the shared SRAM buffers, "
     "periphery and bus",
     0},
    {"p_target", TRC_T_F64_OPT, "", "dropout probability configured; empty without dropout modules",
     0},
    {"p_mean", TRC_T_F64_OPT, "",
     "mean of the probabilities its dropout modules achieve (device spread, trim)", 0},
    {"p_std", TRC_T_F64_OPT, "", "their sample standard deviation (n - 1; 0 for one module)", 0},
};
_Static_assert(COMP_COUNT == 9, "layers_cols lists one e_<comp>_pj column per component");

const trc_schema_t trc_schema_layers = {"layers.csv",
                                        "a row per layer x MC pass (`neuspin run -o DIR`)",
                                        layers_cols, N(layers_cols), 0};

/* ---- stats.csv ---- */
static const trc_col_t stats_cols[] = {
    {"layer", TRC_T_STR, "", "layer name, or `*` for a hardware block's whole-run counters", 0},
    {"sample", TRC_T_U64_STAR, "", "MC pass, or `*`", 0},
    {"path", TRC_T_STR, "", "`layer`, `layer.<component>`, or the block's path (`chip.tile.xbar`)",
     0},
    {"stat", TRC_T_STR, "", "counter name from the model's stat-descriptor table", 0},
    {"index", TRC_T_U64_OPT, "", "tile or layer index of a hardware block; empty for layers", 0},
    {"value", TRC_T_F64, "", "the value, in `unit`", 0},
    {"unit", TRC_T_STR, "", "cycle, bit, count, pJ, ...", 0},
};
const trc_schema_t trc_schema_stats = {"stats.csv",
                                       "long format, a row per counter (`neuspin run -o DIR`)",
                                       stats_cols, N(stats_cols), 0};

/* ---- summary.csv ---- */
static const trc_col_t summary_cols[] = {
    {"point", TRC_T_U64, "", "point index, 0 .. points-1 of sweep.json", 0},
    {"<axis key>", TRC_T_STR, "", "one column per sweep axis, named by its key: the point's value",
     TRC_COL_AXES},
    {"seed", TRC_T_U64, "", "the point's seed (absent when an axis is the seed)", TRC_COL_OPTIONAL},
    {"energy_pj", TRC_T_F64_OPT, "pJ", "energy per image; empty for a failed point", 0},
    {"latency_ns", TRC_T_F64_OPT, "ns", "latency per image (the cycle the last pass ended)", 0},
    {"rng_modules", TRC_T_U64_OPT, "", "physical dropout modules", 0},
    {"rng_bits", TRC_T_U64_OPT, "bit", "random bits per image", 0},
    {"memory_bits", TRC_T_U64_OPT, "bit", "weight_bits + bayes_bits + sram_bits", 0},
    {"tiles", TRC_T_U64_OPT, "", "crossbar tiles used", 0},
    {"area_mm2", TRC_T_F64_OPT, "mm^2", "chip area (run.json area.chip_mm2)", 0},
    {"edap", TRC_T_F64_OPT, "pJ ns mm^2", "energy x latency x chip area, per image", 0},
    {"status", TRC_T_STR, "",
     "`ok`, `failed`, or `invalid` (a point `sweep --skip-invalid` left out: it breaks a "
     "cross-field rule)",
     0},
    {"error", TRC_T_STR, "", "a failed point's first error line; empty when ok", 0},
};
const trc_schema_t trc_schema_summary = {
    "summary.csv", "a row per sweep point (`neuspin sweep -o DIR`, `neuspin merge`)", summary_cols,
    N(summary_cols), 0};

/* ---- compare.csv ---- */
static const trc_col_t compare_cols[] = {
    {"arch", TRC_T_STR, "", "architecture name", 0},
    {"scheme", TRC_T_STR, "", "its dropout scheme", 0},
    {"layer", TRC_T_U64, "", "layer index", 0},
    {"name", TRC_T_STR, "", "layer name", 0},
    {"kind", TRC_T_STR, "", "layer kind", 0},
    {"energy_pj", TRC_T_F64, "pJ", "energy per image (all MC passes)", 0},
    {"cycles", TRC_T_U64, "cycle", "cycles per image", 0},
    {"latency_ns", TRC_T_F64, "ns", "cycles x the clock period", 0},
    {"tiles", TRC_T_U64, "", "crossbar tiles", 0},
    {"rng_modules", TRC_T_U64, "", "physical dropout modules", 0},
    {"rng_bits", TRC_T_U64, "bit", "random bits per image", 0},
    {"rng_energy_pj", TRC_T_F64, "pJ", "energy of the stochastic units (drng + arb)", 0},
    {"rng_cycles", TRC_T_U64, "cycle", "cycles the stochastic units were busy", 0},
    {"weight_bits", TRC_T_U64, "bit", "binary weights", 0},
    {"bayes_bits", TRC_T_U64, "bit", "Bayesian-parameter memory", 0},
    {"sram_bits", TRC_T_U64, "bit", "SRAM scheme state", 0},
    {"area_um2", TRC_T_F64, "um^2", "area of the blocks the layer owns (layers.csv area_um2)", 0},
};
const trc_schema_t trc_schema_compare = {
    "compare.csv", "a row per architecture x layer (`neuspin compare -o DIR`)", compare_cols,
    N(compare_cols), 0};

static const trc_col_t totals_cols[] = {
    {"arch", TRC_T_STR, "", "architecture name", 0},
    {"scheme", TRC_T_STR, "", "its dropout scheme", 0},
    {"energy_pj", TRC_T_F64, "pJ", "energy per image", 0},
    {"latency_ns", TRC_T_F64, "ns",
     "latency per image: the cycle the last pass ended (less than the layers' sum when they "
     "overlap)",
     0},
    {"rng_modules", TRC_T_U64, "", "physical dropout modules", 0},
    {"rng_bits", TRC_T_U64, "bit", "random bits per image", 0},
    {"memory_bits", TRC_T_U64, "bit", "weight_bits + bayes_bits + sram_bits", 0},
    {"tiles", TRC_T_U64, "", "crossbar tiles", 0},
    {"area_mm2", TRC_T_F64, "mm^2", "chip area (run.json area.chip_mm2)", 0},
    {"edap", TRC_T_F64, "pJ ns mm^2", "energy-delay-area product: energy x latency x chip area", 0},
};
const trc_schema_t trc_schema_compare_totals = {
    "compare-totals.csv", "a row per architecture, per-image totals (`neuspin compare -o DIR`)",
    totals_cols, N(totals_cols), 0};

/* ---- run.json ---- */
static const trc_col_t run_cols[] = {
    {"schema", TRC_T_U64, "", "format version: 1", 0},
    {"simulator", TRC_T_STR, "", "`neuspin`", 0},
    {"version", TRC_T_STR, "", "simulator version and `git describe`", 0},
    {"command", TRC_T_STR, "", "`run`", 0},
    {"seed", TRC_T_STR, "",
     "master seed of the MC masks, a decimal string (JSON numbers hold 53 or 63 bits)", 0},
    {"device_seed", TRC_T_STR, "", "seed of the chip instance (device variation), a decimal string",
     TRC_COL_OPTIONAL},
    {"mc_passes", TRC_T_U64, "", "MC passes T", 0},
    {"mapping_override", TRC_T_U64, "", "-m given (1, 2) or 0", 0},
    {"clock_mhz", TRC_T_F64, "MHz", "clock", 0},
    {"scheme", TRC_T_STR, "", "dropout scheme", 0},
    {"schedule", TRC_T_STR, "", "layer schedule", TRC_COL_OPTIONAL},
    {"timing", TRC_T_STR, "", "`event`, `cycle` or `analytic`", TRC_COL_OPTIONAL},
    {"time_unit", TRC_T_STR, "", "`cycle`", 0},
    {"cycle_ns", TRC_T_F64, "ns", "clock period", 0},
    {"workload", TRC_T_OBJ, "",
     "`name`, `source`, `layers`, `sha256` and `yaml`: the network as resolved (loads with `run "
     "-w`) and its hash",
     0},
    {"architecture", TRC_T_OBJ, "",
     "the resolved architecture, every key typed: `name`, `version`, then an object per block",
     TRC_COL_OPTIONAL},
    {"architecture_yaml", TRC_T_STR, "", "the resolved architecture as YAML (loads with `run -a`)",
     0},
    {"per_image", TRC_T_OBJ, "", "`cycles`, `latency_ns`, `energy_pj`, `rng_bits`", 0},
    {"hardware", TRC_T_OBJ, "",
     "`rng_modules`, `weight_bits`, `bayes_bits`, `sram_bits`, `tiles_used`, `tiles`", 0},
    {"programming", TRC_T_OBJ, "", "one-time weight programming: `cycles`, `energy_pj`", 0},
    {"area", TRC_T_OBJ, "",
     "`chip_mm2` (all chip.tiles tiles and every other block), `used_mm2` (the tiles used "
     "instead), `static_uw` (the chip's static power), `by_component` (mm^2 per component)",
     TRC_COL_OPTIONAL},
    {"layers", TRC_T_ARR, "",
     "a member per layer: `name`, `area_um2`, `static_uw`, `p_target`, `p_mean`, `p_std` "
     "(null without dropout modules)",
     TRC_COL_OPTIONAL},
    {"files", TRC_T_ARR, "",
     "the files the run completed: `{name, bytes, sha256}` each, checked before a point counts as "
     "done",
     0},
};
const trc_schema_t trc_schema_run = {"run.json",
                                     "the run's manifest, written last (`neuspin run -o DIR`)",
                                     run_cols, N(run_cols), 1};

/* ---- sweep.json ---- */
static const trc_col_t sweep_cols[] = {
    {"schema", TRC_T_U64, "", "format version: 1", 0},
    {"simulator", TRC_T_STR, "", "`neuspin`", 0},
    {"version", TRC_T_STR, "", "simulator version", 0},
    {"command", TRC_T_STR, "", "`sweep`", 0},
    {"sweep_file", TRC_T_STR, "", "the sweep file as given", 0},
    {"mode", TRC_T_STR, "", "`product` or `zip`", 0},
    {"points", TRC_T_U64, "", "number of points (merge checks every row's index against it)", 0},
    {"id_width", TRC_T_U64, "", "digits of the point directories' names", 0},
    {"master_seed", TRC_T_STR, "", "the sweep's seed, a decimal string", 0},
    {"seed_mixing", TRC_T_STR, "", "how a point's seed follows from it", 0},
    {"base", TRC_T_OBJ, "", "`arch`, `workload`, `T`, `mapping`, `timing`", 0},
    {"axes", TRC_T_ARR, "", "`{key, values}` per axis, in column order", 0},
    {"inputs", TRC_T_ARR, "",
     "every file the sweep read (the sweep file, architectures, networks, their includes): "
     "`{path, bytes, sha256}`; `--resume` refuses when one changed",
     TRC_COL_OPTIONAL},
    {"inputs_dir", TRC_T_STR, "", "what `inputs/` holds: the copies the points run from",
     TRC_COL_OPTIONAL},
    {"points_dir", TRC_T_STR, "", "where the points' outputs are", 0},
};
const trc_schema_t trc_schema_sweep = {
    "sweep.json", "the sweep's manifest (`neuspin sweep -o DIR`)", sweep_cols, N(sweep_cols), 1};

const trc_schema_t *const trc_schemas[] = {
    &trc_schema_layers,         &trc_schema_stats,   &trc_schema_run,   &trc_schema_compare,
    &trc_schema_compare_totals, &trc_schema_summary, &trc_schema_sweep, NULL};

const char *trc_type_name(trc_type_t t)
{
    switch (t) {
    case TRC_T_STR:
        return "text";
    case TRC_T_U64:
        return "integer";
    case TRC_T_F64:
        return "number";
    case TRC_T_U64_STAR:
        return "integer or `*`";
    case TRC_T_U64_OPT:
        return "integer or empty";
    case TRC_T_F64_OPT:
        return "number or empty";
    case TRC_T_OBJ:
        return "object";
    case TRC_T_ARR:
        return "array";
    case TRC_T_BOOL:
        return "boolean";
    }
    return "?";
}

void trc_schema_header(FILE *f, const trc_schema_t *s)
{
    for (unsigned i = 0; i < s->n_cols; i++)
        fprintf(f, "%s%s", i ? "," : "", s->cols[i].name);
    fputc('\n', f);
}

int trc_schema_col(const trc_schema_t *s, const char *name)
{
    for (unsigned i = 0; i < s->n_cols; i++)
        if (!strcmp(s->cols[i].name, name))
            return (int)i;
    return -1;
}
