/* arch.c - the architecture schema (one table per block), its loaders and built-ins, the
 * cross-field checks, and the two outputs driven by the same tables: the resolved YAML
 * dump and the Markdown field reference.  Sources of the defaults: configs/default.yaml
 * and docs/parameters.md; the schemes' reference files: configs/schemes/. */
#include "arch.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"

/* The built-in architectures, embedded at build time (arch/CMakeLists.txt). */
extern const char arch_default_yaml[];
extern const size_t arch_default_yaml_len;
extern const char arch_scheme_spindrop[];
extern const size_t arch_scheme_spindrop_len;
extern const char arch_scheme_spatial_spindrop[];
extern const size_t arch_scheme_spatial_spindrop_len;
extern const char arch_scheme_scaledrop[];
extern const size_t arch_scheme_scaledrop_len;
extern const char arch_scheme_affine_dropout[];
extern const size_t arch_scheme_affine_dropout_len;
extern const char arch_scheme_subset_vi[];
extern const size_t arch_scheme_subset_vi_len;
extern const char arch_scheme_spinbayes[];
extern const size_t arch_scheme_spinbayes_len;
extern const char arch_scheme_mc_dropout[];
extern const size_t arch_scheme_mc_dropout_len;
extern const char arch_scheme_mc_dropconnect[];
extern const size_t arch_scheme_mc_dropconnect_len;
extern const char arch_scheme_deterministic[];
extern const size_t arch_scheme_deterministic_len;

/* ---- Schema ---- */

/* Row builders: offsets are taken relative to arch_t, so one table serves loading,
 * defaults, dumping and documentation with no per-block glue code.  CYC is the common
 * "[1, 1000] cycles" timing row. */
#define ROW(k, ty, field, req, d, lo, hi, unit, desc)                                              \
    {                                                                                              \
        k, ty, offsetof(arch_t, field), req, d, NULL, lo, hi, unit, desc, NULL                     \
    }
#define U32(k, field, d, lo, hi, unit, desc) ROW(k, YF_U32, field, 0, d, lo, hi, unit, desc)
#define BOOL(k, field, d, desc) ROW(k, YF_BOOL, field, 0, d, 0, 0, "-", desc)
#define F64(k, field, d, lo, hi, unit, desc) ROW(k, YF_F64, field, 0, d, lo, hi, unit, desc)
#define CYC(k, field, d, desc) U32(k, field, d, 1, 1000, "cycle", desc)
#define EPJ(a, k, d, desc)                                                                         \
    [a] = {k,    YF_F64, offsetof(arch_t, energy_cfg.e_pj) + (a) * sizeof(double),                 \
           0,    d,      NULL,                                                                     \
           0,    1e6,    "pJ",                                                                     \
           desc, NULL}
/* An energy the tile's circuit model derives (tile_energy_fill): -1, the default, means
 * "derive"; a value >= 0 replaces the derivation (a measured figure). */
#define EPJD(a, k, desc)                                                                           \
    [a] = {                                                                                        \
        k,   YF_F64, offsetof(arch_t, energy_cfg.e_pj) + (a) * sizeof(double), 0,   -1, NULL, -1,  \
        1e6, "pJ",   desc " (-1: derived from the circuit parameters)",        NULL}

/* YAML names of arch_dropout_t, in enum order. */
static const char *const dropout_names[] = {
    "none",      "spindrop",       "mc_dropout", "mc_dropconnect", "spatial_spindrop",
    "scaledrop", "affine_dropout", "subset_vi",  "spinbayes",      NULL};
_Static_assert(sizeof dropout_names / sizeof dropout_names[0] == ARCH_DROPOUT_SPINBAYES + 2,
               "one YAML name per arch_dropout_t");

/* YAML names of drng_model_t, in enum order. */
static const char *const drng_model_names[] = {"thermal", "precessional", NULL};
_Static_assert(sizeof drng_model_names / sizeof drng_model_names[0] == DRNG_MODEL_COUNT + 1,
               "one YAML name per drng_model_t");

/* YAML names of arch_schedule_t. */
static const char *const schedule_names[] = {"layer", "pipeline", NULL};

/* YAML names of arch_arbitration_t. */
static const char *const arbitration_names[] = {"static", "age", NULL};

static const yfield_t top_fields[] = {
    ROW("version", YF_U32, version, 1, 0, 1, 1, "-", "document version; this neuspin reads 1"),
    {"name", YF_STR, offsetof(arch_t, name), 0, 0, "spindrop-default", 0, 0, "-",
     "free-text name of the architecture", NULL},
};

static const yfield_t clock_fields[] = {
    F64("clk_mhz", clk_mhz, 1000, 1, 10000, "MHz", "clock frequency; a cycle is 1000 / clk_mhz ns"),
};

static const yfield_t chip_fields[] = {
    U32("tiles", tiles, 1024, 1, 1048576, "tile", "crossbar tiles on the chip"),
    U32("mapping", mapping, 1, 1, 2, "-",
        "default conv mapping strategy: 1 kernel per column, 2 kernel split over K x K crossbars"),
    {"schedule", YF_ENUM, offsetof(arch_t, schedule), 0, ARCH_SCHED_LAYER, NULL, 0, 0, "-",
     "layer: one layer at a time; pipeline: a layer starts on an output row as soon as its "
     "input rows exist (docs/timing.md)",
     schedule_names},
    BOOL("reuse_prefix", reuse_prefix, 0,
         "compute the layers before the first Bayesian layer once per input and hold their "
         "output in the global buffer across the T passes"),
    {"arbitration", YF_ENUM, offsetof(arch_t, arbitration), 0, ARCH_ARB_STATIC, NULL, 0, 0, "-",
     "shared resources: static: the lower layer index wins; age: the oldest MC pass wins, "
     "then the lower layer index (docs/timing.md)",
     arbitration_names},
    U32("max_passes_ahead", max_ahead, 0, 0, 1000000, "pass",
        "pipeline: MC passes a layer may run ahead of the last layer's (0: unbounded); the "
        "global buffer's capacity bounds it too (docs/timing.md)"),
};

static const yfield_t xbar_fields[] = {
    U32("rows", tile.xbar.rows, 128, 1, 4096, "row", "word-line pairs (weights per column)"),
    U32("cols", tile.xbar.cols, 128, 1, 4096, "column", "bit lines (output neurons)"),
    U32("max_active_rows", tile.xbar.max_active_rows, 32, 1, 4096, "row",
        "word-line pairs enabled in one read step"),
    CYC("t_read_cyc", tile.xbar.t_read_cyc, 1, "cycles of one read step"),
    U32("t_write_cyc", tile.xbar.t_write_cyc, 2, 1, 10000, "cycle", "cycles to program one row"),
    F64("v_read_v", tile.xbar.v_read_v, 0.1, 0.001, 2, "V", "bit-line read bias"),
    F64("r_p_kohm", tile.xbar.r_p_kohm, 2, 0.01, 100000, "kOhm",
        "MTJ resistance in the parallel state"),
    F64("tmr", tile.xbar.tmr, 1.5, 0, 10, "-",
        "tunnel magnetoresistance ratio: R_AP = R_P (1 + tmr)"),
    F64("r_access_kohm", tile.xbar.r_access_kohm, 1, 0, 100000, "kOhm",
        "access-transistor on-resistance in series with the MTJ"),
    F64("c_gate_ff", tile.xbar.c_gate_ff, 0.1, 0, 100, "fF",
        "access-transistor gate capacitance one cell adds to its word line"),
    F64("c_wire_ff_per_um", tile.xbar.c_wire_ff_per_um, 0.2, 0, 10, "fF/um",
        "word-line wire capacitance per um"),
    F64("feature_nm", tile.xbar.feature_nm, 40, 1, 1000, "nm", "feature size F of the array"),
    F64("cell_w_f", tile.xbar.cell_w_f, 8, 1, 1000, "F", "cell width along the word line"),
    F64("cell_h_f", tile.xbar.cell_h_f, 4, 1, 1000, "F", "cell height along the bit line"),
};

static const yfield_t wldec_fields[] = {
    CYC("t_decode_cyc", tile.wldec.t_decode_cyc, 1, "cycles of one multi-row decode"),
    F64("v_wl_v", tile.wldec.v_wl_v, 0.9, 0.1, 5, "V", "word-line drive voltage"),
    F64("a_driver_um2", tile.wldec.a_driver_um2, 2, 0, 1e6, "um^2",
        "area of one word-line driver with its share of the decoder"),
    F64("p_driver_nw", tile.wldec.p_driver_nw, 1, 0, 1e6, "nW",
        "static power of one word-line driver"),
};

static const yfield_t senseamp_fields[] = {
    U32("cols_per_sa", tile.sa.cols_per_sa, 8, 1, 4096, "column",
        "columns sharing one sense amplifier through the mux"),
    U32("psum_bits", tile.sa.psum_bits, 6, 1, 16, "bit", "bits per partial-sum readout"),
    CYC("t_sense_cyc", tile.sa.t_sense_cyc, 1, "cycles of one comparison"),
    BOOL("sample_hold", tile.sa.sample_hold, 0,
         "true: a sample-and-hold per column releases the bit lines after the array read; "
         "false: they stay biased through the whole mux sequence"),
    BOOL("saturate", tile.sa.saturate, 0,
         "true: psum_bits may be narrower than a count of max_active_rows and a larger count "
         "saturates (docs/function.md); false: such an architecture is refused"),
    F64("fom_fj", tile.sa.fom_fj, 10, 0, 1e6, "fJ",
        "Walden figure of merit: a conversion costs fom_fj x 2^psum_bits"),
    F64("v_dd_v", tile.sa.v_dd_v, 0.9, 0.1, 5, "V", "supply of the mux and sample switches"),
    F64("c_mux_ff", tile.sa.c_mux_ff, 0.2, 0, 1e3, "fF",
        "capacitance one column's pass gate adds to the shared sense node"),
    F64("c_sh_ff", tile.sa.c_sh_ff, 5, 0, 1e4, "fF", "sample-and-hold capacitor per column"),
    F64("a_sa_um2", tile.sa.a_sa_um2, 30, 0, 1e6, "um^2",
        "area of one sense amplifier's comparator and SAR logic"),
    F64("a_lsb_um2", tile.sa.a_lsb_um2, 2, 0, 1e6, "um^2",
        "area per DAC level of one sense amplifier (times 2^psum_bits)"),
    F64("a_mux_um2", tile.sa.a_mux_um2, 0.5, 0, 1e6, "um^2", "area of one column's mux pass gate"),
    F64("a_sh_um2", tile.sa.a_sh_um2, 5, 0, 1e6, "um^2", "area of one column's sample-and-hold"),
    F64("p_sa_uw", tile.sa.p_sa_uw, 1, 0, 1e6, "uW",
        "static power of one sense amplifier (bias, reference, leakage)"),
};

static const yfield_t gbuf_fields[] = {
    U32("words", gbuf.words, 16384, 1, 67108864, "word", "capacity in words"),
    U32("word_bits", gbuf.word_bits, 64, 1, 4096, "bit", "bits per word"),
    CYC("t_read_cyc", gbuf.t_read_cyc, 1, "cycles per word read"),
    CYC("t_write_cyc", gbuf.t_write_cyc, 1, "cycles per word write"),
    U32("line_bits", gbuf.line_bits, 16384, 0, 67108864, "bit",
        "conv line buffer: K input rows (cin x win x k bits) when they fit; 0 = none"),
};

static const yfield_t scale_buf_fields[] = {
    U32("words", scale_buf.words, 1024, 1, 67108864, "word", "capacity in words"),
    U32("word_bits", scale_buf.word_bits, 64, 1, 4096, "bit", "bits per word"),
    CYC("t_read_cyc", scale_buf.t_read_cyc, 1, "cycles per word read"),
    CYC("t_write_cyc", scale_buf.t_write_cyc, 1, "cycles per word write"),
};

static const yfield_t dropout_fields[] = {
    {"impl", YF_ENUM, offsetof(arch_t, dropout_impl), 0, ARCH_DROPOUT_SPINDROP, NULL, 0, 0, "-",
     "the Bayesian scheme and its stochastic hardware (docs/schemes.md)", dropout_names},
    U32("share", drng.share, 1, 1, 4096, "row", "word-line pairs served by one module (spindrop)"),
    {"model", YF_ENUM, offsetof(arch_t, drng.model), 0, DRNG_MODEL_PRECESSIONAL, NULL, 0, 0, "-",
     "switching-probability model: thermal (Neel-Brown, pulses >= 10 tau0 below ic0) or "
     "precessional (Sun, ns pulses above ic0); docs/parameters.md",
     drng_model_names},
    CYC("t_set_cyc", drng.t_set_cyc, 10, "SET pulse width"),
    CYC("t_sense_cyc", drng.t_sense_cyc, 1, "read of the MTJ state"),
    CYC("t_reset_cyc", drng.t_reset_cyc, 10, "RESET pulse back to P"),
    F64("tau0_ns", drng.tau0_ns, 1.0, 0.001, 1000, "ns", "attempt time of the Neel-Brown model"),
    F64("tau_d_ns", drng.tau_d_ns, 1.79, 0.001, 1000, "ns",
        "characteristic time of the precessional model, (1 + a^2) / (a gamma mu0 Hk_eff)"),
    F64("delta", drng.delta, 40, 1, 200, "-", "thermal stability factor of the dropout MTJ"),
    F64("ic0_ua", drng.ic0_ua, 110, 1, 10000, "uA", "nominal critical switching current"),
    F64("sigma_ic0_rel", drng.sigma_ic0_rel, 0.05, 0, 0.5, "-",
        "device-to-device spread of ic0, std / mean"),
    F64("sigma_p", drng.sigma_p, 0, 0, 0.5, "-",
        "spread of each module's p itself, std (scaledrop fits p to a Gaussian); 0 = off"),
    F64("i_max_ua", drng.i_max_ua, 1200, 1, 100000, "uA",
        "largest SET or RESET current of the driver"),
    F64("v_dd_v", drng.v_dd_v, 0.9, 0, 5, "V", "supply of the SET/RESET drivers and read bias"),
    F64("i_read_ua", drng.i_read_ua, 35, 0, 10000, "uA", "read current through the MTJ"),
    F64("reset_wer", drng.reset_wer, 1e-6, 1e-15, 0.5, "-",
        "write-error rate the RESET current is sized for"),
    BOOL("reset_on_switch", drng.reset_on_switch, 1,
         "the sensed bit gates RESET, so only switched MTJs are reset"),
    F64("p_static_uw", drng.p_static_uw, 0.9, 0, 1e6, "uW",
        "static power of one module's bias and trim DAC while powered"),
    U32("trim_bits", drng.trim_bits, 8, 0, 16, "bit",
        "trim DAC bits per module, calibrated at power-up; 0 = no calibration"),
    F64("trim_range_rel", drng.trim_range_rel, 0.3, 0.001, 0.9, "-",
        "trim DAC span: SET current from I (1 - r) to I (1 + r)"),
    U32("cal_samples", drng.cal_samples, 16384, 1, 16777216, "draw",
        "SET/sense/RESET draws per binary-search step of the calibration"),
    F64("a_module_um2", drng.a_module_um2, 10, 0, 1e6, "um^2",
        "one module without trim: MTJ, SET/RESET driver, sense latch"),
    F64("a_trim_unit_um2", drng.a_trim_unit_um2, 0.5, 0, 1e6, "um^2",
        "one unit current cell of the trim DAC"),
    F64("a_trim_bit_um2", drng.a_trim_bit_um2, 4.522, 0, 1e6, "um^2",
        "one trim-code register bit (a flip-flop)"),
};

static const yfield_t arbiter_fields[] = {
    U32("k", arb.k, 4, 2, 1024, "crossbar", "crossbars to choose among"),
    U32("t_bit_cyc", arb_t_bit_cfg, 0, 0, 1000, "cycle",
        "cycles per random bit; 0 = the dropout MTJ's t_set_cyc + t_sense_cyc + t_reset_cyc"),
};

static const yfield_t bayes_fields[] = {
    BOOL("whole_model", bayes.whole_model, 0,
         "scaledrop: one dropout module for the whole model, time-shared by its layers"),
    BOOL("adaptive_p", bayes.adaptive_p, 0,
         "scaledrop: layer-dependent p = max(0.01, p * weights / largest layer's weights)"),
    U32("scale_bits", bayes.scale_bits, 8, 1, 32, "bit",
        "bits of one scale, gamma or beta value in the scale buffer"),
    U32("param_bits", bayes.param_bits, 4, 1, 16, "bit",
        "subset_vi: bits per mean or deviation; spinbayes: bits per quantized weight"),
    U32("mtjs_per_cell", bayes.mtjs_per_cell, 3, 1, 15, "MTJ",
        "MTJs in one multi-level SOT cell, storing floor(log2(m + 1)) bits"),
    U32("sample_bits", bayes.sample_bits, 4, 1, 32, "bit",
        "subset_vi: random bits per scale sample (a quantized N(0,1))"),
};

/* YAML names of arch_bayes_layers_t, arch_conv_mask_t and arch_scale_apply_t. */
static const char *const bayes_layers_names[] = {"all", "last", "list", NULL};
static const char *const conv_mask_names[] = {"row_vector", "activation", NULL};
static const char *const scale_apply_names[] = {"threshold", "multiply", NULL};

static const yfield_t scenario_fields[] = {
    {"bayes_layers", YF_ENUM, offsetof(arch_t, scenario.bayes_layers), 0, ARCH_BAYES_ALL, NULL, 0,
     0, "-",
     "which crossbar layers with dropout are Bayesian: all, the last bayes_last, or those in "
     "bayes_list; the others run deterministic",
     bayes_layers_names},
    U32("bayes_last", scenario.bayes_last, 1, 1, 1048576, "layer",
        "bayes_layers last: Bayesian crossbar layers counted from the output"),
    {"bayes_list", YF_STR, offsetof(arch_t, scenario.bayes_list), 0, 0, "", 0, 0, "-",
     "bayes_layers list: the Bayesian layers' names, comma-separated (checked against the "
     "network when it is mapped)",
     NULL},
    {"conv_mask", YF_ENUM, offsetof(arch_t, scenario.conv_mask), 0, ARCH_CONV_MASK_ROW_VECTOR, NULL,
     0, 0, "-",
     "spindrop on conv inputs: row_vector, a fresh bit per word-line pair and input vector "
     "(SpinDrop's module per pair); activation, one bit per input activation per pass, the "
     "same in every patch",
     conv_mask_names},
    {"scale_apply", YF_ENUM, offsetof(arch_t, scenario.scale_apply), 0, ARCH_SCALE_THRESHOLD, NULL,
     0, 0, "-",
     "scaledrop: threshold, the mask selects one of two threshold sets (no multiply); "
     "multiply, every output times the scale",
     scale_apply_names},
};

static const yfield_t variation_fields[] = {
    F64("stuck_p_rate", variation.stuck_p_rate, 0, 0, 1, "-",
        "fraction of weight cells stuck in P (read as +1), drawn per chip from the device seed"),
    F64("stuck_ap_rate", variation.stuck_ap_rate, 0, 0, 1, "-",
        "fraction of weight cells stuck in AP (read as -1); stuck_p_rate + stuck_ap_rate <= 1"),
    F64("r_sigma_rel", variation.r_sigma_rel, 0, 0, 1, "-",
        "Gaussian spread of an MTJ's resistance per read, std / mean: flips a cell's read "
        "with P = Phi(-tmr / (s sqrt(1 + (1 + tmr)^2))) (docs/function.md)"),
};

static const yfield_t bus_fields[] = {
    U32("width_bits", bus.width_bits, 256, 1, 65536, "bit", "bits moved per cycle"),
    U32("t_hop_cyc", bus.t_hop_cyc, 2, 0, 1000, "cycle", "fixed latency per transfer"),
    BOOL("overlap", bus.overlap, 0,
         "true: the global buffer takes each beat as it arrives (beats and buffer words "
         "overlap); false: the beats, then the buffer's words"),
};

static const yfield_t periph_fields[] = {
    U32("lanes", periph.lanes, 128, 1, 65536, "lane", "parallel units"),
    CYC("t_add_cyc", periph.t_add_cyc, 1, "cycles of one adder-tree level or residual add"),
    CYC("t_act_cyc", periph.t_act_cyc, 1, "cycles of one sign/threshold activation"),
    CYC("t_pool_cyc", periph.t_pool_cyc, 1, "cycles of one pooling comparison or addition"),
    CYC("t_mul_cyc", periph.t_mul_cyc, 1, "cycles of one scale multiplication"),
    U32("thresh_bits", periph.thresh_bits, 16, 2, 64, "bit",
        "width of one stored sign threshold (a popcount of R rows needs log2(2R + 1))"),
    U32("resident_bits", periph.resident_bits, 0, 0, 16777216, "bit",
        "threshold registers: layers whose thresholds and scales fit load them once per image"),
};

static const yfield_t tech_fields[] = {
    F64("node_nm", tech.node_nm, 45, 22, 90, "nm",
        "CMOS node of the SRAM, periphery, bus and arbiter (the array's F is xbar.feature_nm): "
        "their 45 nm areas scale by (node / 45)^2, leakage and SRAM energy by node / 45"),
};

/* Keys equal act_desc(a)->key (a test checks).  Defaults: docs/parameters.md derives each. */
static const yfield_t energy_fields[ACT_COUNT] = {
    EPJD(ACT_XBAR_CELL_READ, "e_xbar_cell_read_pj", "one conducting cell biased for one cycle"),
    EPJ(ACT_XBAR_CELL_WRITE, "e_xbar_cell_write_pj", 0.027, "programming one cell"),
    EPJ(ACT_WLDEC_DECODE, "e_wldec_decode_pj", 0.1, "one multi-row decode"),
    EPJD(ACT_SA_SENSE, "e_sa_sense_pj", "one partial-sum conversion"),
    EPJD(ACT_DRNG_SET, "e_drng_set_pj",
         "one SET pulse of a dropout MTJ (derived: each layer's at its own p)"),
    EPJD(ACT_DRNG_SENSE, "e_drng_sense_pj", "one read of a dropout MTJ"),
    EPJD(ACT_DRNG_RESET, "e_drng_reset_pj",
         "one RESET pulse of a dropout MTJ (derived: each layer's at its own p)"),
    EPJD(ACT_ARB_BIT, "e_arb_bit_pj",
         "one random bit inside the arbiter: SET, sense, RESET at p = 0.5"),
    EPJD(ACT_SBUF_READ_BIT, "e_sbuf_read_bit_pj",
         "one bit read from the global buffer (derived: its capacity and tech.node_nm)"),
    EPJD(ACT_SBUF_WRITE_BIT, "e_sbuf_write_bit_pj",
         "one bit written to the global buffer (derived: as a read)"),
    EPJ(ACT_LBUF_READ_BIT, "e_lbuf_read_bit_pj", 0.026,
        "one bit of a conv window read from the line buffer (latches)"),
    EPJ(ACT_ADD, "e_add_pj", 0.03, "one partial-sum or residual addition"),
    EPJ(ACT_ACT, "e_act_pj", 0.03, "one sign/threshold activation"),
    EPJ(ACT_POOL, "e_pool_pj", 0.03, "one pooling comparison or addition"),
    EPJ(ACT_MUL, "e_mul_pj", 0.2, "one scale multiplication"),
    EPJ(ACT_BUS_BIT, "e_bus_bit_pj", 0.1, "one bit over the interconnect"),
    EPJD(ACT_WLDEC_WL_CHARGE, "e_wldec_wl_charge_pj", "one word line charged"),
    EPJD(ACT_SA_MUX, "e_sa_mux_pj", "one column switched onto a shared sense amplifier"),
    EPJD(ACT_SA_SAMPLE, "e_sa_sample_pj", "one bit-line voltage sampled and held"),
    EPJD(ACT_SCALE_READ_BIT, "e_scale_read_bit_pj",
         "one bit read from the scale buffer (derived: its capacity and tech.node_nm)"),
    EPJD(ACT_SCALE_WRITE_BIT, "e_scale_write_bit_pj",
         "one bit written to the scale buffer (derived: as a read)"),
};

#define N(t) (sizeof(t) / sizeof((t)[0]))

#define BLOCK(k, desc, f)                                                                          \
    {                                                                                              \
        k, desc, f, N(f)                                                                           \
    }

static const arch_block_t blocks[] = {
    BLOCK("", "document version and name", top_fields),
    BLOCK("clock", "chip clock", clock_fields),
    BLOCK("chip", "chip organisation", chip_fields),
    BLOCK("xbar", "SOT-MRAM crossbar array of a tile (tile.xbar)", xbar_fields),
    BLOCK("wldec", "multi-row word-line decoder of a tile (tile.wldec)", wldec_fields),
    BLOCK("senseamp", "sense amplifiers and partial-sum readout of a tile (tile.sa)",
          senseamp_fields),
    BLOCK("gbuf", "global activation buffer, SRAM", gbuf_fields),
    BLOCK("scale_buf", "scale-vector and threshold buffer, SRAM", scale_buf_fields),
    BLOCK("dropout", "Bayesian scheme and its spintronic dropout modules", dropout_fields),
    BLOCK("arbiter", "stochastic arbiter (SpinBayes)", arbiter_fields),
    BLOCK("bayes", "parameters of the schemes beyond the dropout modules", bayes_fields),
    BLOCK("scenario", "per-scheme scenario: Bayesian layers, conv mask, scale use",
          scenario_fields),
    BLOCK("variation", "device non-idealities for functional inference (0 = ideal)",
          variation_fields),
    BLOCK("bus", "interconnect between the tiles and the global buffer", bus_fields),
    BLOCK("periph", "digital periphery: adder tree, activation, pooling", periph_fields),
    BLOCK("tech", "CMOS technology of the SRAM, periphery, bus and arbiter", tech_fields),
    BLOCK("energy", "energy per action (Accelergy-style action table)", energy_fields),
};

/* Keys of the blocks, for skipping them while reading the top level. */
static const char *const block_keys[] = {"clock",    "chip",      "xbar",    "wldec",   "senseamp",
                                         "gbuf",     "scale_buf", "dropout", "arbiter", "bayes",
                                         "scenario", "variation", "bus",     "periph",  "tech",
                                         "energy",   NULL};

const arch_block_t *arch_blocks(size_t *n)
{
    *n = N(blocks);
    return blocks;
}

/* ---- Cross-field checks ---- */

/* Bits that hold every count 0..m: ceil(log2(m + 1)). */
static uint32_t bits_for(uint32_t m)
{
    uint32_t b = 0;
    for (uint64_t v = m; v; v >>= 1)
        b++;
    return b ? b : 1;
}

/* Reports a failed cross-field check as `path: msg`, located at the first of `keys`
 * ("block.key", NULL-terminated) the document gives, else at its block, else nowhere. */
static void cross_error(const ydoc_t *d, const char *name, arch_diag_list_t *dl, const char *path,
                        const char *const *keys, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void cross_error(const ydoc_t *d, const char *name, arch_diag_list_t *dl, const char *path,
                        const char *const *keys, const char *fmt, ...)
{
    char msg[sizeof dl->d[0].msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int at = 0, block_at = 0;
    for (const char *const *k = keys; d && *k && !at; k++) {
        char block[32];
        const char *dot = strchr(*k, '.');
        size_t bl = (size_t)(dot - *k);
        memcpy(block, *k, bl);
        block[bl] = '\0';
        int bn = ydoc_map_get(d, ydoc_root(d), block);
        at = ydoc_map_get(d, bn, dot + 1);
        if (!block_at)
            block_at = bn;
    }
    if (d && (at || block_at))
        ydoc_error(d, at ? at : block_at, dl, path, "%s", msg);
    else
        arch_diag_add(dl, name, 0, 0, path, NULL, "%s", msg);
}

/* The checks of arch_check; d (may be NULL) supplies the marks. */
static int check_all(const arch_t *a, const char *name, const ydoc_t *d, arch_diag_list_t *dl)
{
    int rc = ST_OK;
    const xbar_params_t *x = &a->tile.xbar;
    uint32_t need = bits_for(x->max_active_rows);
    if (a->tile.sa.psum_bits < need && !a->tile.sa.saturate) {
        static const char *const k[] = {"senseamp.psum_bits", "xbar.max_active_rows", NULL};
        cross_error(d, name, dl, "senseamp.psum_bits", k,
                    "expected at least %u to hold a count of up to %u rows "
                    "(xbar.max_active_rows), got %u (senseamp.saturate: true lets it clip)",
                    (unsigned)need, (unsigned)x->max_active_rows, (unsigned)a->tile.sa.psum_bits);
        rc = ST_ECONFIG;
    }
    /* A multi-level cell conducts up to its largest stored level (2^bits - 1 of its MTJs)
     * on every active row, so its column's partial sum reaches max_active_rows times that. */
    if ((a->dropout_impl == ARCH_DROPOUT_SUBSET_VI || a->dropout_impl == ARCH_DROPOUT_SPINBAYES) &&
        a->tile.sa.psum_bits >= need) {
        uint32_t level = (1u << arch_mlc_bits(a->bayes.mtjs_per_cell)) - 1;
        uint64_t top = (uint64_t)x->max_active_rows * level;
        uint32_t mlc_need = bits_for(top > UINT32_MAX ? UINT32_MAX : (uint32_t)top);
        if (a->tile.sa.psum_bits < mlc_need) {
            static const char *const k[] = {"senseamp.psum_bits", "bayes.mtjs_per_cell",
                                            "xbar.max_active_rows", "dropout.impl", NULL};
            cross_error(d, name, dl, "senseamp.psum_bits", k,
                        "expected at least %u to hold a partial sum of up to %llu under %s "
                        "(xbar.max_active_rows %u x level %u of a %u-MTJ multi-level cell, "
                        "bayes.mtjs_per_cell), got %u",
                        (unsigned)mlc_need, (unsigned long long)top,
                        arch_dropout_name(a->dropout_impl), (unsigned)x->max_active_rows,
                        (unsigned)level, (unsigned)a->bayes.mtjs_per_cell,
                        (unsigned)a->tile.sa.psum_bits);
            rc = ST_ECONFIG;
        }
    }
    if (a->scenario.bayes_layers == ARCH_BAYES_LIST &&
        arch_bayes_list_count(a->scenario.bayes_list) == 0) {
        static const char *const k[] = {"scenario.bayes_list", "scenario.bayes_layers", NULL};
        cross_error(d, name, dl, "scenario.bayes_list", k,
                    "expected layer names separated by commas (no blanks, none empty) under "
                    "scenario.bayes_layers list, got \"%s\"",
                    a->scenario.bayes_list);
        rc = ST_ECONFIG;
    }
    for (unsigned i = 0; i < ACT_COUNT; i++) {
        double e = a->energy_cfg.e_pj[i];
        if (e < 0.0 && e != -1.0) {
            char path[64];
            const char *k[] = {path, NULL};
            snprintf(path, sizeof path, "energy.%s", act_desc((act_t)i)->key);
            cross_error(d, name, dl, path, k,
                        "expected -1 (derive from the circuit) or a value >= 0, got %g", e);
            rc = ST_ECONFIG;
        }
    }
    if (a->variation.stuck_p_rate + a->variation.stuck_ap_rate > 1.0) {
        static const char *const k[] = {"variation.stuck_ap_rate", "variation.stuck_p_rate", NULL};
        cross_error(d, name, dl, "variation.stuck_ap_rate", k,
                    "expected at most 1 - variation.stuck_p_rate = %g, got %g",
                    1.0 - a->variation.stuck_p_rate, a->variation.stuck_ap_rate);
        rc = ST_ECONFIG;
    }
    if (x->max_active_rows > x->rows) {
        static const char *const k[] = {"xbar.max_active_rows", "xbar.rows", NULL};
        cross_error(d, name, dl, "xbar.max_active_rows", k,
                    "expected at most %u (xbar.rows), got %u", (unsigned)x->rows,
                    (unsigned)x->max_active_rows);
        rc = ST_ECONFIG;
    }
    if (a->tile.sa.cols_per_sa > x->cols) {
        static const char *const k[] = {"senseamp.cols_per_sa", "xbar.cols", NULL};
        cross_error(d, name, dl, "senseamp.cols_per_sa", k,
                    "expected at most %u (xbar.cols), got %u", (unsigned)x->cols,
                    (unsigned)a->tile.sa.cols_per_sa);
        rc = ST_ECONFIG;
    }
    if (a->dropout_impl != ARCH_DROPOUT_NONE) {
        /* A dropout layer may ask for any p in (0, 1); p = 0.5 is the one every SpinDrop
         * network uses, and the one subset VI's sample bits and the SpinBayes arbiter draw
         * at, so under every scheme with stochastic MTJs the model must hold there and the
         * driver must reach it (each layer's own p is checked when the workload is mapped). */
        drng_params_t p = a->drng;
        p.clk_ns = 1000.0 / a->clk_mhz;
        double i_ua, t_ns = p.t_set_cyc * p.clk_ns;
        char why[sizeof dl->d[0].msg];
        if (drng_regime_check(&p, 0.5, why, sizeof why) != ST_OK) {
            int short_pulse = p.model == DRNG_MODEL_THERMAL && t_ns < 10.0 * p.tau0_ns;
            static const char *const kt[] = {"dropout.t_set_cyc", "dropout.model",
                                             "dropout.tau0_ns", "clock.clk_mhz", NULL};
            static const char *const km[] = {"dropout.model", "dropout.t_set_cyc", "dropout.ic0_ua",
                                             NULL};
            cross_error(d, name, dl, short_pulse ? "dropout.t_set_cyc" : "dropout.model",
                        short_pulse ? kt : km, "%s", why);
            rc = ST_ECONFIG;
        }
        if (drng_current_for_p(&p, 0.5, &i_ua) != ST_OK) {
            static const char *const k[] = {
                "dropout.i_max_ua", "dropout.ic0_ua",   "dropout.t_set_cyc", "dropout.delta",
                "dropout.tau0_ns",  "dropout.tau_d_ns", "clock.clk_mhz",     NULL};
            drng_params_t u = p;
            double need_ua = -1.0;
            u.i_max_ua = INFINITY;
            if (drng_current_for_p(&u, 0.5, &need_ua) == ST_OK)
                cross_error(d, name, dl, "dropout.i_max_ua", k,
                            "a driver limit of %.6g uA cannot switch with p = 0.5 in a %.6g ns "
                            "SET pulse, which needs %.6g uA",
                            p.i_max_ua, t_ns, need_ua);
            else
                cross_error(d, name, dl, "dropout.i_max_ua", k,
                            "no SET current can switch with p = 0.5 in a %.6g ns pulse: the "
                            "pulse alone switches the MTJ more often",
                            t_ns);
            rc = ST_ECONFIG;
        }
        double i_reset;
        if (drng_reset_current(&p, &i_reset) == ST_OK && i_reset > p.i_max_ua) {
            static const char *const k[] = {"dropout.i_max_ua", "dropout.t_reset_cyc",
                                            "dropout.reset_wer", NULL};
            cross_error(d, name, dl, "dropout.i_max_ua", k,
                        "a driver limit of %.6g uA cannot RESET in a %.6g ns pulse with "
                        "write-error rate %g, which needs %.6g uA",
                        p.i_max_ua, p.t_reset_cyc * p.clk_ns, p.reset_wer, i_reset);
            rc = ST_ECONFIG;
        }
    }
    return rc;
}

int arch_check(const arch_t *a, const char *name, arch_diag_list_t *dl)
{
    return check_all(a, name, NULL, dl);
}

void arch_derive(arch_t *a)
{
    a->drng.clk_ns = 1000.0 / a->clk_mhz;
    /* an arbiter bit is one SET -> sense -> RESET of the same stochastic MTJ */
    a->arb.t_bit_cyc = a->arb_t_bit_cfg
                           ? a->arb_t_bit_cfg
                           : a->drng.t_set_cyc + a->drng.t_sense_cyc + a->drng.t_reset_cyc;
    a->energy = a->energy_cfg;
    tile_energy_fill(&a->tile, 1000.0 / a->clk_mhz, &a->energy);
    /* SRAM per bit from each buffer's capacity at the node (sbuf_e_bit_pj) */
    a->gbuf.scale = 0;
    a->scale_buf.scale = 1;
    const double eg = sbuf_e_bit_pj(sbuf_capacity_bits(&a->gbuf), a->tech.node_nm);
    const double es = sbuf_e_bit_pj(sbuf_capacity_bits(&a->scale_buf), a->tech.node_nm);
    const act_t sk[4] = {ACT_SBUF_READ_BIT, ACT_SBUF_WRITE_BIT, ACT_SCALE_READ_BIT,
                         ACT_SCALE_WRITE_BIT};
    for (int i = 0; i < 4; i++)
        if (a->energy.e_pj[sk[i]] < 0.0)
            a->energy.e_pj[sk[i]] = i < 2 ? eg : es;
    /* The dropout actions at p = 0.5: the arbiter's bits, and what a layer's own table
     * starts from before its modules' energy at its p replaces them (sim/cmd/cli.c). */
    drng_energy_t e;
    if (drng_energy(&a->drng, 0.5, &e) == ST_OK) {
        const double v[4] = {e.set_pj, e.sense_pj, e.reset_pj, e.set_pj + e.sense_pj + e.reset_pj};
        const act_t k[4] = {ACT_DRNG_SET, ACT_DRNG_SENSE, ACT_DRNG_RESET, ACT_ARB_BIT};
        for (int i = 0; i < 4; i++)
            if (a->energy.e_pj[k[i]] < 0.0)
                a->energy.e_pj[k[i]] = v[i];
    }
}

/* ---- Loading ---- */

/* Records where scenario.bayes_last and scenario.bayes_list stand in the document: their
 * values are checked against a network only when it is mapped. */
static void mark_key(const ydoc_t *d, int block, const char *key, arch_mark_t *m)
{
    memset(m, 0, sizeof *m);
    int n = block ? ydoc_map_get(d, block, key) : 0;
    if (!n)
        return;
    snprintf(m->file, sizeof m->file, "%s", ydoc_node_file(d, n));
    ydoc_mark(d, n, &m->line, &m->col);
}

static void scenario_marks(const ydoc_t *d, int root, arch_scenario_t *sc)
{
    int bn = ydoc_map_get(d, root, "scenario");
    mark_key(d, bn, "bayes_last", &sc->at_last);
    mark_key(d, bn, "bayes_list", &sc->at_list);
    if (sc->at_last.line == 0 || sc->at_list.line == 0) {
        /* not given: point at scenario.bayes_layers, else at the document */
        arch_mark_t at;
        mark_key(d, bn, "bayes_layers", &at);
        if (at.line == 0)
            snprintf(at.file, sizeof at.file, "%s", ydoc_name(d));
        if (sc->at_last.line == 0)
            sc->at_last = at;
        if (sc->at_list.line == 0)
            sc->at_list = at;
    }
}

/* Fills a local arch_t and copies it out only when everything passed, which is what
 * keeps *out untouched on error.  Blocks absent from the document keep their defaults;
 * present ones go through ydoc_apply, which collects all their errors. */
static int load_doc(const ydoc_t *d, arch_t *out, arch_diag_list_t *dl)
{
    size_t nb;
    const arch_block_t *b = arch_blocks(&nb);
    int root = ydoc_root(d), rc = ST_OK;
    arch_t a;
    memset(&a, 0, sizeof a);

    if (root == 0) {
        arch_diag_add(dl, ydoc_name(d), 0, 0, "", NULL,
                      "empty document, expected a mapping with 'version: 1'");
        return ST_ECONFIG;
    }
    /* An unknown version means an unknown schema: report that alone. */
    if (ydoc_check_version(d, root, dl) != ST_OK)
        return ST_ECONFIG;
    for (size_t i = 0; i < nb; i++) {
        if (b[i].key[0] == '\0') {
            if (ydoc_apply(d, root, "", b[i].fields, b[i].n_fields, &a, block_keys, dl))
                rc = ST_ECONFIG;
            continue;
        }
        ydoc_defaults(b[i].fields, b[i].n_fields, &a);
        int bn = ydoc_map_get(d, root, b[i].key);
        if (bn && ydoc_apply(d, bn, b[i].key, b[i].fields, b[i].n_fields, &a, NULL, dl))
            rc = ST_ECONFIG;
    }
    scenario_marks(d, root, &a.scenario);
    arch_derive(&a);
    /* Cross-field checks read values the per-key checks vouched for; after a per-key error
     * they would judge a mix of given values and defaults. */
    if (rc == ST_OK)
        rc = check_all(&a, ydoc_name(d), d, dl);
    if (rc == ST_OK)
        *out = a;
    return rc;
}

int arch_load_file(const char *path, arch_t *out, arch_diag_list_t *dl)
{
    ydoc_t *d;
    int rc = ydoc_load_file(path, &d, dl);
    if (rc)
        return rc;
    rc = load_doc(d, out, dl);
    ydoc_destroy(d);
    return rc;
}

int arch_load_string(const char *name, const char *text, size_t len, arch_t *out,
                     arch_diag_list_t *dl)
{
    ydoc_t *d;
    int rc = ydoc_load_string(name, text, len, &d, dl);
    if (rc)
        return rc;
    rc = load_doc(d, out, dl);
    ydoc_destroy(d);
    return rc;
}

/* The embedded copy of configs/default.yaml goes through the same loader as any file, so
 * a broken default fails in the tests, not silently at run time. */
int arch_load_default(arch_t *out, arch_diag_list_t *dl)
{
    return arch_load_string("<builtin:default>", arch_default_yaml, arch_default_yaml_len, out, dl);
}

const char *arch_default_text(void)
{
    return arch_default_yaml;
}

/* ---- Built-ins ---- */

typedef struct builtin {
    const char *name;
    const char *text;
    const size_t *len;
} builtin_t;

/* "default" first, then the scheme reference configs in the order of arch.h. */
static const builtin_t builtins[] = {
    {"default", arch_default_yaml, &arch_default_yaml_len},
    {"spindrop", arch_scheme_spindrop, &arch_scheme_spindrop_len},
    {"spatial-spindrop", arch_scheme_spatial_spindrop, &arch_scheme_spatial_spindrop_len},
    {"scaledrop", arch_scheme_scaledrop, &arch_scheme_scaledrop_len},
    {"affine-dropout", arch_scheme_affine_dropout, &arch_scheme_affine_dropout_len},
    {"subset-vi", arch_scheme_subset_vi, &arch_scheme_subset_vi_len},
    {"spinbayes", arch_scheme_spinbayes, &arch_scheme_spinbayes_len},
    {"mc-dropout", arch_scheme_mc_dropout, &arch_scheme_mc_dropout_len},
    {"mc-dropconnect", arch_scheme_mc_dropconnect, &arch_scheme_mc_dropconnect_len},
    {"deterministic", arch_scheme_deterministic, &arch_scheme_deterministic_len},
};

size_t arch_builtin_count(void)
{
    return N(builtins);
}

const char *arch_builtin_name(size_t i)
{
    return i < N(builtins) ? builtins[i].name : NULL;
}

const char *arch_builtin_text(size_t i)
{
    return i < N(builtins) ? builtins[i].text : NULL;
}

int arch_load(const char *spec, arch_t *out, arch_diag_list_t *dl)
{
    if (!spec || !out || !dl)
        return ST_EINVAL;
    for (size_t i = 0; i < N(builtins); i++)
        if (strcmp(spec, builtins[i].name) == 0) {
            char src[96];
            snprintf(src, sizeof src, "<builtin:%s>", builtins[i].name);
            return arch_load_string(src, builtins[i].text, *builtins[i].len, out, dl);
        }
    /* A missing file is most likely a mistyped built-in name, so name them all; any other
     * failure to read (a directory, no permission) is arch_load_file's to report. */
    errno = 0;
    FILE *f = spec[0] ? fopen(spec, "rb") : NULL;
    if (f) {
        fclose(f);
    } else if (spec[0] == '\0' || errno == ENOENT) {
        char list[256];
        size_t used = 0;
        list[0] = '\0';
        for (size_t i = 0; i < N(builtins) && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                     builtins[i].name);
        arch_diag_add(dl, "<cmdline>", 0, 0, "", NULL,
                      "no such file or built-in architecture '%s' (built-ins: %s)", spec, list);
        return ST_EIO;
    }
    return arch_load_file(spec, out, dl);
}

/* ---- Queries ---- */

const char *arch_schedule_name(uint32_t s)
{
    return s < N(schedule_names) - 1 ? schedule_names[s] : "?";
}

const char *arch_arbitration_name(uint32_t a)
{
    return a < N(arbitration_names) - 1 ? arbitration_names[a] : "?";
}

const char *arch_dropout_name(uint32_t s)
{
    return s < N(dropout_names) - 1 ? dropout_names[s] : "?";
}

uint32_t arch_bayes_list_count(const char *list)
{
    uint32_t n = 0;
    size_t len = 0;
    for (const char *c = list;; c++) {
        if (*c == ',' || *c == '\0') {
            if (len == 0)
                return 0; /* an empty name (or an empty list) */
            n++;
            len = 0;
            if (*c == '\0')
                return n;
        } else if (*c == ' ' || *c == '\t') {
            return 0;
        } else {
            len++;
        }
    }
}

void arch_bayes_list_name(const char *list, uint32_t i, char *buf, size_t n)
{
    const char *c = list;
    if (n == 0)
        return;
    for (; i > 0 && *c; c++)
        if (*c == ',')
            i--;
    size_t k = 0;
    if (i == 0)
        for (; c[k] && c[k] != ',' && k + 1 < n; k++)
            buf[k] = c[k];
    buf[k] = '\0';
}

uint32_t arch_mlc_bits(uint32_t mtjs_per_cell)
{
    /* floor(log2(m + 1)): m MTJs give m + 1 distinguishable levels (0..m switched). */
    uint32_t b = 0;
    for (uint64_t v = (uint64_t)mtjs_per_cell + 1; v > 1; v >>= 1)
        b++;
    return b ? b : 1;
}

/* ---- Output ---- */

/* Text goes to a FILE or to a growing buffer. */
typedef struct sink {
    FILE *f;
    char *buf;
    size_t len, cap;
    int err; /* ST_EIO or ST_ENOMEM once anything failed */
} sink_t;

static void emit(sink_t *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void emit(sink_t *s, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (s->err || n < 0)
        return;
    size_t k = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (s->f) {
        if (fwrite(line, 1, k, s->f) != k)
            s->err = ST_EIO;
        return;
    }
    if (s->len + k + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (s->len + k + 1 > cap)
            cap *= 2;
        char *bigger = st_malloc(cap);
        if (!bigger) {
            s->err = ST_ENOMEM;
            return;
        }
        if (s->len)
            memcpy(bigger, s->buf, s->len);
        free(s->buf);
        s->buf = bigger;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, line, k);
    s->len += k;
    s->buf[s->len] = '\0';
}

/* Every key of every block, in schema order and without comments: the dump is meant to be
 * diffed and embedded in run manifests, and the units are in the key names. */
static void dump(const arch_t *a, sink_t *s)
{
    size_t nb;
    const arch_block_t *b = arch_blocks(&nb);
    char v[YDOC_FMT_MAX];
    emit(s, "# neuspin architecture, resolved: every key with its value\n");
    /* Block "" (version, name) comes first and is written at the top level. */
    for (size_t i = 0; i < nb; i++) {
        const char *indent = b[i].key[0] ? "  " : "";
        if (b[i].key[0])
            emit(s, "%s:\n", b[i].key);
        for (size_t j = 0; j < b[i].n_fields; j++) {
            ydoc_format_value(&b[i].fields[j], a, v, sizeof v);
            emit(s, "%s%s: %s\n", indent, b[i].fields[j].key, v);
        }
    }
}

int arch_dump_yaml(const arch_t *a, FILE *f)
{
    sink_t s = {.f = f};
    dump(a, &s);
    if (!s.err && fflush(f) != 0)
        s.err = ST_EIO;
    return s.err ? ST_EIO : ST_OK;
}

char *arch_dump_string(const arch_t *a)
{
    sink_t s = {0};
    dump(a, &s);
    if (s.err) {
        free(s.buf);
        return NULL;
    }
    return s.buf;
}

int arch_list_params(FILE *f)
{
    size_t nb;
    const arch_block_t *b = arch_blocks(&nb);
    sink_t s = {.f = f};
    arch_t def;
    memset(&def, 0, sizeof def);
    for (size_t i = 0; i < nb; i++) {
        ydoc_defaults(b[i].fields, b[i].n_fields, &def);
        if (i)
            emit(&s, "\n");
        if (b[i].key[0])
            emit(&s, "### `%s`: %s\n\n", b[i].key, b[i].desc);
        else
            emit(&s, "### Top level: %s\n\n", b[i].desc);
        emit(&s, "| key | type | default | min | max | unit | description |\n");
        emit(&s, "|---|---|---|---|---|---|---|\n");
        for (size_t j = 0; j < b[i].n_fields; j++) {
            const yfield_t *r = &b[i].fields[j];
            char dv[96], lo[32] = "-", hi[32] = "-", desc[256];
            if (r->required)
                snprintf(dv, sizeof dv, "required");
            else
                ydoc_format_value(r, &def, dv, sizeof dv);
            /* Bounds go through ydoc_format_value too, so "67108864" and "0.001" read the
             * same way as the values a user writes. */
            if (r->type == YF_U32 || r->type == YF_F64) {
                yfield_t t = *r;
                double bound;
                t.offset = 0;
                bound = r->min;
                if (r->type == YF_U32) {
                    uint32_t u = (uint32_t)r->min;
                    ydoc_format_value(&t, &u, lo, sizeof lo);
                    u = (uint32_t)r->max;
                    ydoc_format_value(&t, &u, hi, sizeof hi);
                } else {
                    ydoc_format_value(&t, &bound, lo, sizeof lo);
                    bound = r->max;
                    ydoc_format_value(&t, &bound, hi, sizeof hi);
                }
            }
            ydoc_field_desc(r, desc, sizeof desc);
            emit(&s, "| `%s` | %s | %s | %s | %s | %s | %s |\n", r->key, ydoc_type_name(r->type),
                 dv, lo, hi, r->unit, desc);
        }
    }
    if (!s.err && fflush(f) != 0)
        s.err = ST_EIO;
    return s.err ? ST_EIO : ST_OK;
}
