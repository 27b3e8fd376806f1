// check_sim.cpp - the SystemC top against schedules and counts worked out by hand.
//
// The toy2 case (tests/golden/toy2): fc1 12 -> 4 (deterministic), fc2 4 -> 2 with dropout
// p = 0.5, T = 2, on 8x4 crossbars with max_active_rows 4, 2 columns per sense amplifier,
// 3-bit partial sums, a 16-bit-word global buffer, an 8-bit bus with a 1-cycle hop.
//
// fc1: rows 12 -> row groups of 8 and 4 rows (2 tiles), one column group of 4.
//   scale-buffer thresholds: 4 cols x 8 bits = 4 words                    =  4 cycles
//   input: bus 1 + ceil(12/8) = 3, then gbuf ceil(12/16) = 1 word          =  4
//   tiles in parallel: 8-row tile: 2 steps x (decode 1 + read 1 + sense
//     ceil(4 cols / 2 SAs) x 3 bits = 6) = 16; 4-row tile: 1 step = 8     = 16
//   adder tree: 3 partial sums (2 + 1 steps) -> ceil(log2 3) = 2 levels      =  2
//   activation: ceil(4 / 4 lanes) = 1                                      =  1
//   write-back: bus 1 + ceil(4/8) = 2, gbuf 1 word = 1                      =  3
//   fc1 per pass: 4 + 4 + 16 + 2 + 1 + 3                                   = 30
// fc2: rows 4, cols 2, one tile.
//   thresholds 2 x 8 bits = 2 words                                        =  2
//   max(input: bus 1 + 1 + gbuf 1 = 3, mask: 1 x (2 + 1 + 2) = 5)           =  5
//   tile: 1 step x (1 + 1 + ceil(2/2) x 3) = 5; activation 1; write 3       =  9
//   fc2 per pass: 2 + 5 + 9                                                = 16
// One pass = 46 cycles; the image (T = 2) ends at cycle 92.
//
// Energy per pass (pJ; toy2's table: cell read 1 per conducting cell and biased cycle,
// decode 2, conversion 3, word-line charge 0.25, mux select 0.5, SET 4, MTJ sense 5, RESET 6,
// sbuf read bit 0.25, write bit 0.5, add 7, act 8, bus bit 0.125).  Buffer energy is per
// bit moved (packed transfers): a 12-bit vector costs 12 bits, not a 16-bit word.  A bit line stays
// biased for the read and the whole mux sequence of its step: 1 + ceil(4 / 2 SAs) x 3 = 7 cycles
// with 4 columns, 1 + ceil(2 / 2) x 3 = 4 with 2.
// fc1: cells 12 x 4 = 48, biased 7 cycles -> 336; decodes 2 + 1 = 3 -> 6; word lines 12 ->
//      3; conversions (2 + 1) x 4 = 12 -> 36, each a mux select -> 6; buffer reads (scale
//      buffer 4 x 8 + global buffer 12, both 0.25 pJ) = 44 bits -> 11, write 4 bits -> 2; adds (3 -
//      1) x 4 = 8 -> 56; acts 4 -> 32; bus 12 + 4 = 16 bits -> 2.  336 + 6 + 3 + 36 + 6 + 11 + 2 +
//      56 + 32 + 2 = Total 490.
// fc2: sbuf read (16 + 4) bits -> 5, write 2 -> 1; bus 4 + 2 bits -> 0.75; drng 4 x (4 +
//      5 + 6) = 60; cells 2 x (4 - d) biased 4 cycles -> 32 - 8d; decode 2; word lines
//      4 - d -> 1 - 0.25d; conversions 1 x 2 -> 6, mux 2 -> 1; acts 2 -> 16.  5 + 1 + 0.75
//      + 60 + 32 + 2 + 1 + 6 + 1 + 16 = Total 124.75 - 8.25d for d dropped rows.
// Programming: tiles of 8x4, 4x4 and 4x2 weights, in parallel: 8 rows x 2 cycles = 16
// cycles; 2 x (32 + 16 + 8) = 112 cells x 0.5 pJ = 56 pJ.
#include <csignal>
#include <cmath>
#include <string>

#include <check.h>

#include "base/status.h"
#include "engine.h"
#include "sim.h"

namespace
{

struct Fixture {
    arch_t arch;
    wl_net_t *net = nullptr;
    wl_map_t *map = nullptr;
    trc_layer_t layers[8];
    trc_sum_t *sum = nullptr;
    Fixture() = default;
    Fixture(const Fixture &) = delete;
    Fixture &operator=(const Fixture &) = delete;
    ~Fixture()
    {
        trc_sum_destroy(sum);
        wl_map_destroy(map);
        wl_net_destroy(net);
    }
};

void load_toy(Fixture &f, uint32_t strategy = 0, int scheme = -1)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    const std::string dir = std::string(NS_SOURCE_DIR) + "/tests/golden/toy2/";
    ck_assert_int_eq(arch_load_file((dir + "arch.yaml").c_str(), &f.arch, &dl), ST_OK);
    if (scheme >= 0)
        f.arch.dropout_impl = uint32_t(scheme) & 0xffu;
    if (scheme >= 0 && (scheme & 0x100))
        f.arch.scenario.scale_apply = ARCH_SCALE_MULTIPLY;
    ck_assert_int_eq(wl_load_file((dir + "net.yaml").c_str(), &f.net, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(f.net, &f.arch, strategy, &f.map, &dl), ST_OK);
    ck_assert_uint_le(f.net->n_layers, 8);
    for (uint32_t i = 0; i < f.net->n_layers; i++) {
        f.layers[i] = trc_layer_t{};
        f.layers[i].name = f.net->layers[i].name;
        f.layers[i].kind = wl_kind_name(f.net->layers[i].kind);
    }
    ck_assert_int_eq(trc_sum_create(f.layers, f.net->n_layers, f.map->T ? f.map->T : f.net->T,
                                    &f.arch.energy, arch_clk_ns(&f.arch), &f.sum),
                     ST_OK);
}

int run_toy(Fixture &f, sim_prog_t &prog, volatile sig_atomic_t *stop = nullptr,
            uint32_t timing = SIM_TIMING_EVENT)
{
    sim_job_t job = {&f.arch, f.net, f.map,  f.sum->T, 1, f.layers, f.sum,
                     nullptr, stop,  timing, nullptr,  1, nullptr}; // device seed 1
    char err[256] = "";
    return job.timing == SIM_TIMING_ANALYTIC ? sim_analytic(&job, &prog, err, sizeof err)
                                             : sim_engine_run(&job, &prog, err, sizeof err);
}

} // namespace

START_TEST(test_sim_toy2_cycles_follow_the_hand_schedule)
{
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    ck_assert_int_eq(run_toy(f, prog), ST_OK);
    ck_assert_uint_eq(f.sum->cycles[0], 2 * 30); // 30 per pass, see the file comment
    ck_assert_uint_eq(f.sum->cycles[1], 2 * 16); // 16 per pass
    ck_assert_uint_eq(f.sum->end_cyc, 92);       // 2 passes x 46
}
END_TEST

START_TEST(test_sim_toy2_energy_matches_the_hand_count)
{
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    ck_assert_int_eq(run_toy(f, prog), ST_OK);
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 0, nullptr), 2 * 490.0, 1e-9);
    const double d = double(f.sum->rows_dropped[1]);
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 1, nullptr), 2 * 124.75 - 8.25 * d, 1e-9);
    // The crossbar's share follows the mask: 2 columns x driven rows x 4 biased cycles x 1 pJ.
    double comp[COMP_COUNT];
    trc_sum_layer_pj(f.sum, 1, comp);
    ck_assert_double_eq_tol(comp[COMP_XBAR], 8.0 * (8 - d), 1e-9);
    ck_assert_double_eq_tol(comp[COMP_DRNG], 2 * 60.0, 1e-9);
}
END_TEST

// The analytic mode charges a masked row's cells and word line with probability 1 - p:
// fc2 per pass 31.75 + 60 + (2 x 4 cells + 0.25) x 4 rows x (1 - 0.5) = 108.25, the hand
// count 124.75 - 8.25d at its expectation d = 2; fc1 is deterministic: 490.
START_TEST(test_sim_toy2_analytic_energy_is_the_expected_hand_count)
{
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    ck_assert_int_eq(run_toy(f, prog, nullptr, SIM_TIMING_ANALYTIC), ST_OK);
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 0, nullptr), 2 * 490.0, 1e-9);
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 1, nullptr), 2 * 108.25, 1e-9);
}
END_TEST

// Threshold registers (periph.resident_bits 48 = fc1's 4 x 8 + fc2's 2 x 8 threshold bits):
// both layers load their thresholds in pass 0 only.  Pass 0 is the hand schedule (30 and
// 16 cycles); pass 1 skips the load: fc1 30 - 4 words = 26, fc2 16 - 2 = 14 cycles, the
// image 46 + 40 = 86.  Energy: pass 1 saves the 32 and 16 threshold bits read at 0.25 pJ,
// fc1 2 x 490 - 8 = 972, fc2 2 x 124.75 - 4 - 8.25d.  With 47 bits fc2 no longer fits
// (32 + 16 > 47) and re-reads per pass: 30 + 26 and 2 x 16.  Event and analytic agree
// (analytic at the expected d = 2: 2 x 108.25 - 4).
START_TEST(test_sim_toy2_resident_thresholds_load_once_per_image)
{
    // _i = 0: event (SystemC elaborates once per process: one engine run per test), 1: analytic
    const uint32_t timing = _i == 0 ? uint32_t(SIM_TIMING_EVENT) : uint32_t(SIM_TIMING_ANALYTIC);
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    f.arch.periph.resident_bits = 48;
    ck_assert_int_eq(run_toy(f, prog, nullptr, timing), ST_OK);
    ck_assert_uint_eq(f.sum->cycles[0], 30 + 26);
    ck_assert_uint_eq(f.sum->cycles[1], 16 + 14);
    ck_assert_uint_eq(f.sum->end_cyc, 86);
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 0, nullptr), 972.0, 1e-9);
    const double d = double(f.sum->rows_dropped[1]);
    const double fc2 = timing == SIM_TIMING_ANALYTIC ? 2 * 108.25 - 4 : 2 * 124.75 - 4 - 8.25 * d;
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 1, nullptr), fc2, 1e-9);
    if (timing != SIM_TIMING_ANALYTIC)
        return;
    Fixture g;
    load_toy(g);
    g.arch.periph.resident_bits = 47;
    ck_assert_int_eq(run_toy(g, prog, nullptr, timing), ST_OK);
    ck_assert_uint_eq(g.sum->cycles[0], 30 + 26);
    ck_assert_uint_eq(g.sum->cycles[1], 2 * 16);
}
END_TEST

START_TEST(test_sim_toy2_rng_bits_are_rows_times_vectors_times_passes)
{
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    ck_assert_int_eq(run_toy(f, prog), ST_OK);
    ck_assert_uint_eq(f.sum->rng_bits[0], 0);         // fc1 has no dropout
    ck_assert_uint_eq(f.sum->rng_bits[1], 4 * 1 * 2); // 4 rows x 1 vector x 2 passes
    ck_assert_uint_le(f.sum->rows_dropped[1], 8);
    ck_assert_uint_eq(f.sum->acts[1].n[ACT_DRNG_SET], 8);
}
END_TEST

START_TEST(test_sim_toy2_programming_is_reported_apart)
{
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    ck_assert_int_eq(run_toy(f, prog), ST_OK);
    ck_assert_uint_eq(prog.cycles, 16);                       // 8 rows x t_write_cyc 2
    ck_assert_uint_eq(prog.acts.n[ACT_XBAR_CELL_WRITE], 112); // 2 x (32 + 16 + 8)
    ck_assert_double_eq_tol(en_total_pj(&f.arch.energy, &prog.acts), 56.0, 1e-9);
    // Inference never writes cells.
    ck_assert_uint_eq(f.sum->acts[0].n[ACT_XBAR_CELL_WRITE], 0);
}
END_TEST

START_TEST(test_sim_stop_flag_stops_before_the_next_layer)
{
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    volatile sig_atomic_t stop = 1;
    ck_assert_int_eq(run_toy(f, prog, &stop), 1);
    ck_assert_uint_eq(f.sum->end_cyc, 0); // no layer ran
}
END_TEST

START_TEST(test_sim_masks_are_the_drng_models_keyed_draws)
{
    // The dropped count of the run equals the C model's draws under the same key
    // (seed 1, layer 1, passes 0 and 1, vector 0): the adapter adds no randomness.
    Fixture f;
    sim_prog_t prog;
    load_toy(f);
    ck_assert_int_eq(run_toy(f, prog), ST_OK);
    drng_t *d = nullptr;
    ck_assert_int_eq(drng_create(&f.arch.drng, 1, 1, 4, 0.5, &d), ST_OK);
    uint64_t mask = 0, cyc = 0;
    act_counts_t acc = {};
    uint32_t dropped = 0, total = 0;
    for (uint32_t pass = 0; pass < 2; pass++) {
        ck_assert_int_eq(drng_draw(d, pass, 0, &mask, &cyc, &acc, &dropped), ST_OK);
        total += dropped;
    }
    drng_destroy(d);
    ck_assert_uint_eq(f.sum->rows_dropped[1], total);
}
END_TEST

// Every scheme on toy2 (the architecture's dropout.impl swapped; fc1 stays deterministic:
// 30 cycles and 490 pJ per pass under every scheme).  fc2 (4 rows, 2 cols, p = 0.5, one
// vector) per pass, worked out from the toy2 numbers (file comment), with mul 1 pJ and
// t_mul 1, arbiter bits 10 pJ and 5 cycles (t_bit_cyc default), bayes.param_bits 2 in
// 3-MTJ cells (2 bits each, so one cell per parameter):
//  base: thresholds 2 cycles (16 bits, 4 pJ); input 3 cycles; tile 5; activation 1; write
//   3; energy without randomness 31.75 pJ (decode 2, conversions 6, mux 1, sbuf 4 + 4
//   input bits x 0.25 + 2 written bits x 0.5 = 6, bus 0.75, acts 16) + 8.25 pJ per driven row (2
//   columns x 4 biased cycles x 1 pJ + its word line 0.25).
//  none: 2 + 3 + 5 + 1 + 3 = 14 cycles; all 4 rows driven: 64.75 pJ; one pass (T = 1).
//  spindrop: the mask (5 cycles) hides the input (3): 16 cycles; 4 bits x 15 pJ = 60 pJ:
//   124.75 - 8.25d for d dropped rows.
//  mc_dropout, spatial_spindrop (on fc both are one module per input row, a mask per pass):
//   the 4-bit draw (5 cycles) in the set-up: 2 + 5 + 3 + 5 + 1 + 3 = 19; 124.75 - 8.25d.
//  mc_dropconnect: an 8-bit draw per pass (8 modules, 5 cycles): 19 cycles; every row
//   driven (4 word lines, 1 pJ), cells = kept weights w, 4 cycles each:
//   31.75 + 1 + 120 + 4w = 152.75 + 4w.
//  scaledrop (scenario.scale_apply threshold, the default): the 1-bit draw first (5 cycles,
//   15 pJ), then the threshold set it selects, read as the base's thresholds (2 cycles,
//   16 bits, 4 pJ, already in the base); no scale vector, no multiply:
//   5 + 2 + 3 + 5 + 1 + 3 = 19 cycles; 64.75 + 15 = 79.75 pJ.  (multiply: scale vector
//   2 x 8 bits = 2 words, 2 cycles, 4 pJ, and 2 multiplies, 1 cycle, 2 pJ: 22 cycles,
//   85.75 pJ.)
//  affine_dropout: gamma and beta 2 x 2 x 8 bits = 4 words (4 cycles, 8 pJ), 2-bit draw (5,
//   30 pJ), normalization of 2 outputs: 2 sweeps x (1 + 1) = 4 cycles, 6 muls + 8 adds =
//   6 + 56 pJ: 2 + 4 + 5 + 3 + 5 + 4 + 1 + 3 = 27 cycles; 64.75 + 8 + 30 + 62 = 164.75.
//  subset_vi: 2 x 4 sample bits on 2 modules (4 bits each: 20 cycles, 120 pJ); the scale
//   crossbar (2 rows x 2 cell columns, 3 MTJs a cell): decode 1 + read 1 + sense
//   ceil(2/2) x 3 = 5 cycles; 12 cells biased 1 + 3 = 4 cycles -> 48, decode 2, word
//   lines 2 -> 0.5, conversions 2 -> 6, mux 2 -> 1: 57.5 pJ; 2 samples (2 cycles,
//   2 muls + 2 adds = 16 pJ); per vector 2 scale multiplies (1 cycle, 2 pJ):
//   2 + 20 + 5 + 2 + 3 + 5 + 1 + 1 + 3 = 42 cycles; 64.75 + 120 + 57.5 + 16 + 2 = 260.25.
//  spinbayes: the arbiter draws 2 bits for 4 copies (never rejects: 10 cycles, 20 pJ); the
//   chosen copy's 3-MTJ cells conduct 3 x 8 = 24 cells, 4 cycles each -> 96, 4 word lines
//   -> 1: 2 + 10 + 3 + 5 + 1 + 3 = 24 cycles; 31.75 + 96 + 1 + 20 = 148.75 pJ.
// A scheme case with scenario.scale_apply multiply (scaledrop's per-output product).
constexpr uint32_t MULTIPLY = 0x100;

struct SchemeCase {
    uint32_t scheme;        // arch_dropout_t, | MULTIPLY for scale_apply multiply
    uint64_t fc2_cycles;    // per pass
    double fc2_pj;          // per pass, before the mask terms
    double per_dropped_row; // pJ removed per dropped row
    bool weight_mask;       // energy + kept weights instead (DropConnect)
};

static const SchemeCase scheme_cases[] = {
    {ARCH_DROPOUT_NONE, 14, 64.75, 0, false},
    {ARCH_DROPOUT_SPINDROP, 16, 124.75, 8.25, false},
    {ARCH_DROPOUT_MC_DROPOUT, 19, 124.75, 8.25, false},
    {ARCH_DROPOUT_MC_DROPCONNECT, 19, 152.75, 0, true},
    {ARCH_DROPOUT_SPATIAL, 19, 124.75, 8.25, false},
    {ARCH_DROPOUT_SCALEDROP, 19, 79.75, 0, false},
    {ARCH_DROPOUT_SCALEDROP | MULTIPLY, 22, 85.75, 0, false},
    {ARCH_DROPOUT_AFFINE, 27, 164.75, 0, false},
    {ARCH_DROPOUT_SUBSET_VI, 42, 260.25, 0, false},
    {ARCH_DROPOUT_SPINBAYES, 24, 148.75, 0, false},
};

START_TEST(test_sim_each_scheme_costs_the_hand_count)
{
    const SchemeCase &c = scheme_cases[_i];
    Fixture f;
    sim_prog_t prog;
    load_toy(f, 0, int(c.scheme));
    const uint32_t T = c.scheme == ARCH_DROPOUT_NONE ? 1 : 2;
    ck_assert_uint_eq(f.sum->T, T);
    ck_assert_int_eq(run_toy(f, prog), ST_OK);
    ck_assert_uint_eq(f.sum->cycles[0], T * 30);
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 0, nullptr), T * 490.0, 1e-9);
    ck_assert_uint_eq(f.sum->cycles[1], T * c.fc2_cycles);
    double want = T * c.fc2_pj - c.per_dropped_row * double(f.sum->rows_dropped[1]);
    if (c.weight_mask) { // kept weights of the two passes' 8-unit draws, 4 x 1 pJ each
        drng_params_t dp = f.arch.drng;
        dp.share = 1; // 8 units on 8 modules
        drng_t *d = nullptr;
        ck_assert_int_eq(drng_create(&dp, 1, 1, 8, 0.5, &d), ST_OK);
        for (uint32_t pass = 0; pass < T; pass++) {
            uint64_t kept = 0, cyc = 0;
            act_counts_t acc = {};
            ck_assert_int_eq(drng_draw(d, pass, 0, &kept, &cyc, &acc, nullptr), ST_OK);
            want += 4.0 * double(__builtin_popcountll(kept));
        }
        drng_destroy(d);
    }
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 1, nullptr), want, 1e-9);
}
END_TEST

extern "C" Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_sim_toy2_cycles_follow_the_hand_schedule);
    tcase_add_test(tc, test_sim_toy2_energy_matches_the_hand_count);
    tcase_add_test(tc, test_sim_toy2_analytic_energy_is_the_expected_hand_count);
    tcase_add_test(tc, test_sim_toy2_rng_bits_are_rows_times_vectors_times_passes);
    tcase_add_loop_test(tc, test_sim_toy2_resident_thresholds_load_once_per_image, 0, 2);
    tcase_add_test(tc, test_sim_toy2_programming_is_reported_apart);
    tcase_add_test(tc, test_sim_masks_are_the_drng_models_keyed_draws);
    tcase_add_loop_test(tc, test_sim_each_scheme_costs_the_hand_count, 0,
                        int(sizeof scheme_cases / sizeof scheme_cases[0]));
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("Limits");
    tcase_add_test(te, test_sim_stop_flag_stops_before_the_next_layer);
    suite_add_tcase(s, te);
    return s;
}
