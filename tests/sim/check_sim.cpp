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
// Energy per pass (pJ; toy2's table: cell read 1, decode 2, sense 3, SET 4, MTJ sense 5,
// RESET 6, sbuf read bit 0.25, write bit 0.5, add 7, act 8, bus bit 0.125):
// fc1: cells 12 x 4 = 48 -> 48; decodes 2 + 1 = 3 -> 6; senses (2 + 1) x 4 x 3 = 36 -> 108;
//      sbuf read (4 x 8 + 16) = 48 bits -> 12, write 16 bits -> 8; adds (3 - 1) x 4 = 8 ->
//      56; acts 4 -> 32; bus 12 + 4 = 16 bits -> 2.  Total 272.
// fc2: sbuf read (16 + 16) bits -> 8, write 16 -> 8; bus 4 + 2 bits -> 0.75; drng 4 x (4 +
//      5 + 6) = 60; cells 2 x (4 - dropped) -> 8 - 2d; decode 2; senses 1 x 2 x 3 = 6 ->
//      18; acts 2 -> 16.  Total 120.75 - 2d for d dropped rows.
// Programming: tiles of 8x4, 4x4 and 4x2 weights, in parallel: 8 rows x 2 cycles = 16
// cycles; 2 x (32 + 16 + 8) = 112 cells x 0.5 pJ = 56 pJ.
#include <csignal>
#include <cmath>
#include <string>

#include <check.h>

#include "base/status.h"
#include "sim.h"

namespace {

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

void load_toy(Fixture &f, uint32_t strategy = 0)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    const std::string dir = std::string(NS_SOURCE_DIR) + "/tests/golden/toy2/";
    ck_assert_int_eq(arch_load_file((dir + "arch.yaml").c_str(), &f.arch, &dl), ST_OK);
    ck_assert_int_eq(wl_load_file((dir + "net.yaml").c_str(), &f.net, &dl), ST_OK);
    ck_assert_int_eq(wl_map_build(f.net, &f.arch, strategy, &f.map, &dl), ST_OK);
    ck_assert_uint_le(f.net->n_layers, 8);
    for (uint32_t i = 0; i < f.net->n_layers; i++) {
        f.layers[i] = trc_layer_t{};
        f.layers[i].name = f.net->layers[i].name;
        f.layers[i].kind = wl_kind_name(f.net->layers[i].kind);
    }
    ck_assert_int_eq(trc_sum_create(f.layers, f.net->n_layers, f.net->T, &f.arch.energy,
                                    arch_clk_ns(&f.arch), &f.sum),
                     ST_OK);
}

int run_toy(Fixture &f, sim_prog_t &prog, volatile sig_atomic_t *stop = nullptr)
{
    sim_job_t job = {&f.arch, f.net, f.map, f.net->T, 1, f.layers, f.sum, nullptr, stop};
    char err[256] = "";
    return sim_run(&job, &prog, err, sizeof err);
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
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 0, nullptr), 2 * 272.0, 1e-9);
    const double d = double(f.sum->rows_dropped[1]);
    ck_assert_double_eq_tol(trc_sum_layer_pj(f.sum, 1, nullptr), 2 * 120.75 - 2 * d, 1e-9);
    // The crossbar's share follows the mask: 2 columns x driven rows x 1 pJ.
    double comp[COMP_COUNT];
    trc_sum_layer_pj(f.sum, 1, comp);
    ck_assert_double_eq_tol(comp[COMP_XBAR], 2.0 * (8 - d), 1e-9);
    ck_assert_double_eq_tol(comp[COMP_DRNG], 2 * 60.0, 1e-9);
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
    ck_assert_uint_eq(prog.cycles, 16);                 // 8 rows x t_write_cyc 2
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

extern "C" Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_sim_toy2_cycles_follow_the_hand_schedule);
    tcase_add_test(tc, test_sim_toy2_energy_matches_the_hand_count);
    tcase_add_test(tc, test_sim_toy2_rng_bits_are_rows_times_vectors_times_passes);
    tcase_add_test(tc, test_sim_toy2_programming_is_reported_apart);
    tcase_add_test(tc, test_sim_masks_are_the_drng_models_keyed_draws);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create("Limits");
    tcase_add_test(te, test_sim_stop_flag_stops_before_the_next_layer);
    suite_add_tcase(s, te);
    return s;
}
