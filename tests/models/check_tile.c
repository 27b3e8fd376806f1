/* check_tile.c - one CIM tile: decode -> read -> sense per step, mask-driven rows, weight
 * masks and multi-MTJ cells (models/tile.c). */
#include "base/status.h"
#include "check_models.h"
#include "tile.h"

/* 128 x 64 array, 32 pairs per step, t_read 3, t_write 10; decode 2; 8 columns per SA
 * (64 / 8 = 8 SAs), 4-bit partial sums, 1 cycle per comparison. */
static const tile_params_t good = {
    .xbar = {.rows = 128, .cols = 64, .max_active_rows = 32, .t_read_cyc = 3, .t_write_cyc = 10},
    .wldec = {.t_decode_cyc = 2},
    .sa = {.cols_per_sa = 8, .psum_bits = 4, .t_sense_cyc = 1},
};
static tile_t *t;
static act_counts_t acc;
static uint64_t every_third[4]; /* 256-bit layer mask: bit i set iff i % 3 == 0 */

static void setup(void)
{
    ck_assert_int_eq(tile_create(&good, &t), ST_OK);
    act_counts_clear(&acc);
    memset(every_third, 0, sizeof every_third);
    for (unsigned i = 0; i < 256; i += 3)
        every_third[i / 64] |= (uint64_t)1 << (i % 64);
}

static void teardown(void)
{
    tile_destroy(t);
    t = NULL;
}

/* Reference count, one bit at a time. */
static uint32_t naive_count(const uint64_t *mask, uint32_t off, uint32_t n)
{
    uint32_t c = 0;
    for (uint64_t i = off; i < (uint64_t)off + n; i++)
        c += (mask[i / 64] >> (i % 64)) & 1;
    return c;
}

/* Reference conducting weights, one bit at a time: every driven row of the slice times its
 * kept weights among the slice's columns. */
static uint64_t naive_cells(const tile_req_t *rq)
{
    uint64_t cells = 0;
    for (uint64_t r = 0; r < rq->rows; r++) {
        uint64_t row = rq->row_off + r;
        if (rq->mask && !((rq->mask[row / 64] >> (row % 64)) & 1))
            continue;
        for (uint64_t c = 0; c < rq->cols; c++) {
            uint64_t i = row * rq->wcols + rq->col_off + c;
            cells += rq->wmask ? (rq->wmask[i / 64] >> (i % 64)) & 1 : 1;
        }
    }
    return cells;
}

/* An 8 x 10 layer weight mask: weight (r, c) kept iff r + c is even (80 bits, 2 words). */
static void checker_wmask(uint64_t wm[2])
{
    wm[0] = wm[1] = 0;
    for (unsigned r = 0; r < 8; r++)
        for (unsigned c = 0; c < 10; c++)
            if ((r + c) % 2 == 0)
                wm[(r * 10 + c) / 64] |= (uint64_t)1 << ((r * 10 + c) % 64);
}

/* ---- Core ---- */

START_TEST(test_tile_cycles_are_steps_times_decode_read_and_sense)
{
    tile_req_t rq = {.row_off = 0, .rows = 100, .cols = 50, .mask = NULL};
    uint64_t cyc = 0;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    /* steps = ceil(100/32) = 4; sense = ceil(50/8) = 7 slots * 4 bits * 1 = 28;
     * 4 * (2 + 3 + 28) = 132 */
    ck_assert_uint_eq(cyc, 132);
    ck_assert_uint_eq(tile_mvm_cycles(&good, 100, 50), 132);
    /* full array: 4 * (2 + 3 + ceil(64/8)*4*1) = 4 * 37 = 148 */
    ck_assert_uint_eq(tile_mvm_cycles(&good, 128, 64), 148);
}
END_TEST

START_TEST(test_tile_counts_decodes_senses_and_cell_reads_per_step)
{
    tile_req_t rq = {.row_off = 0, .rows = 100, .cols = 50, .mask = NULL};
    uint64_t cyc;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_WLDEC_DECODE], 4);      /* one decode per step */
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 200);        /* 4 steps * 50 cols, 1 conversion */
    ck_assert_uint_eq(acc.n[ACT_SA_MUX], 200);          /* each through the 8:1 mux */
    ck_assert_uint_eq(acc.n[ACT_WLDEC_WL_CHARGE], 100); /* one word line per driven pair */
    /* NULL mask: 100 rows * 50 cols = 5000 cells, each biased for the read (3) and the
     * whole mux sequence (ceil(50/8) = 7 slots * 4 bits * 1 = 28): 31 cycles -> 155000 */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 155000);
    ck_assert_uint_eq(tile_stats(t)->rows_driven, 100);
    ck_assert_uint_eq(tile_stats(t)->rows_dropped, 0);
}
END_TEST

START_TEST(test_tile_mask_drives_only_set_rows_of_the_slice)
{
    tile_req_t rq = {.row_off = 60, .rows = 100, .cols = 50, .mask = every_third};
    uint64_t cyc = 0;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    /* rows 60..159 with i % 3 == 0: 60, 63, ..., 159 -> (159 - 60)/3 + 1 = 34 driven */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 52700); /* 34 * 50 cells * 31 bias cycles */
    ck_assert_uint_eq(acc.n[ACT_WLDEC_WL_CHARGE], 34);   /* dropped pairs charge no line */
    ck_assert_uint_eq(cyc, 132);                         /* the mask never changes timing */
    ck_assert_uint_eq(tile_stats(t)->mvms, 1);
    ck_assert_uint_eq(tile_stats(t)->rows_driven, 34);
    ck_assert_uint_eq(tile_stats(t)->rows_dropped, 66); /* 100 - 34 */
}
END_TEST

START_TEST(test_tile_weight_mask_counts_kept_weights_of_driven_rows_in_slice_columns)
{
    uint64_t wm[2], cyc = 0;
    const uint64_t drop_row5 = ~((uint64_t)1 << 5); /* every row driven but row 5 */
    checker_wmask(wm);
    /* Slice rows 4..6, columns 2..6 of the 10-wide layer (row 6 is bits 62..66 and
     * straddles the word boundary).  Kept (r + c even): row 4 -> c = 2, 4, 6: 3;
     * row 5 -> c = 3, 5: 2; row 6 -> c = 2, 4, 6: 3.  All rows driven: 8 cells. */
    tile_req_t rq = {.row_off = 4, .rows = 3, .cols = 5, .wmask = wm, .col_off = 2, .wcols = 10};
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    /* 5 columns: 1 slot * 4 bits of sensing after the 3-cycle read: 7 bias cycles */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 8 * 7);
    ck_assert_uint_eq(tile_xbar_stats(t)->cell_reads, 8);
    /* row 5 dropped: 3 + 3 = 6 more */
    rq.mask = &drop_row5;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 14 * 7);
    ck_assert_uint_eq(tile_stats(t)->rows_driven, 5);  /* 3 + 2 */
    ck_assert_uint_eq(tile_stats(t)->rows_dropped, 1); /* the weight mask drops no row */
    /* timing does not depend on either mask: 1 step * (2 + 3 + ceil(5/8) * 4) = 9 */
    ck_assert_uint_eq(cyc, 9);
    ck_assert_uint_eq(cyc, tile_mvm_cycles(&good, 3, 5));
}
END_TEST

START_TEST(test_tile_cell_mtjs_multiplies_conducting_cells)
{
    uint64_t wm[2], cyc;
    const uint64_t drop_row5 = ~((uint64_t)1 << 5);
    checker_wmask(wm);
    /* the read above (6 kept weights on driven rows) with 3-MTJ cells: 18 */
    tile_req_t rq = {.row_off = 4,
                     .rows = 3,
                     .cols = 5,
                     .mask = &drop_row5,
                     .wmask = wm,
                     .col_off = 2,
                     .wcols = 10,
                     .cell_mtjs = 3};
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 18 * 7); /* 7 bias cycles, as above */
    /* without a weight mask: 100 rows * 50 cols * 3 MTJs = 15000, * 31 bias cycles */
    tile_req_t plain = {.rows = 100, .cols = 50, .cell_mtjs = 3};
    act_counts_clear(&acc);
    ck_assert_int_eq(tile_mvm(t, &plain, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 465000);
    ck_assert_uint_eq(tile_xbar_stats(t)->cell_reads, 15018); /* 18 + 15000 */
    /* cell_mtjs 1 is the binary pair: 5000 * 31 */
    plain.cell_mtjs = 1;
    act_counts_clear(&acc);
    ck_assert_int_eq(tile_mvm(t, &plain, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 155000);
    /* and the multi-level cell changes no other action: 4 decodes, 4 * 50 conversions */
    ck_assert_uint_eq(acc.n[ACT_WLDEC_DECODE], 4);
    ck_assert_uint_eq(acc.n[ACT_SA_SENSE], 200);
}
END_TEST

START_TEST(test_tile_weight_mask_count_matches_per_bit_reference)
{
    /* Layers of 200 rows and several widths; fixed LCG masks (Knuth's MMIX constants). */
    static const uint32_t wcols[] = {1, 7, 64, 70, 130};
    static const uint32_t row_offs[] = {0, 1, 37, 63, 64, 72};
    uint64_t wm[(200 * 130 + 63) / 64], rm[4], s = 99;
    for (unsigned i = 0; i < sizeof wm / sizeof wm[0]; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        wm[i] = s;
    }
    for (unsigned i = 0; i < 4; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        rm[i] = s;
    }
    unsigned checked = 0;
    for (unsigned a = 0; a < sizeof wcols / sizeof wcols[0]; a++)
        for (unsigned b = 0; b < sizeof row_offs / sizeof row_offs[0]; b++)
            for (uint32_t col_off = 0; col_off < wcols[a]; col_off += 1 + wcols[a] / 5) {
                uint32_t cols = wcols[a] - col_off < 64 ? wcols[a] - col_off : 64;
                for (int masked = 0; masked < 2; masked++) {
                    tile_req_t rq = {.row_off = row_offs[b],
                                     .rows = 128,
                                     .cols = cols,
                                     .mask = masked ? rm : NULL,
                                     .wmask = wm,
                                     .col_off = col_off,
                                     .wcols = wcols[a]};
                    /* 64 columns / 8 = 8 SAs: 3 read + ceil(cols / 8) * 4 sense cycles */
                    uint64_t cyc, want = naive_cells(&rq) * (3 + (cols + 7) / 8 * 4);
                    act_counts_clear(&acc);
                    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
                    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], want);
                    checked++;
                }
            }
    ck_assert_uint_ge(checked, 100); /* the sweep really ran */
}
END_TEST

START_TEST(test_tile_part_stats_follow_the_read)
{
    tile_req_t rq = {.row_off = 60, .rows = 100, .cols = 50, .mask = every_third};
    uint64_t cyc;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(tile_xbar_stats(t)->mvms, 1);
    ck_assert_uint_eq(tile_xbar_stats(t)->read_steps, 4);
    ck_assert_uint_eq(tile_xbar_stats(t)->cell_reads, 1700);
    ck_assert_uint_eq(tile_wldec_stats(t)->decodes, 4);
    ck_assert_uint_eq(tile_sa_stats(t)->reads, 4); /* one column read per step */
    ck_assert_uint_eq(tile_sa_stats(t)->comparisons, 800);
    tile_stats_reset(t);
    ck_assert_uint_eq(tile_stats(t)->mvms, 0);
    ck_assert_uint_eq(tile_stats(t)->rows_driven, 0);
    ck_assert_uint_eq(tile_stats(t)->rows_dropped, 0);
    ck_assert_uint_eq(tile_xbar_stats(t)->cell_reads, 0);
    ck_assert_uint_eq(tile_wldec_stats(t)->decodes, 0);
    ck_assert_uint_eq(tile_sa_stats(t)->comparisons, 0);
}
END_TEST

START_TEST(test_tile_program_is_xbar_program)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(tile_program(t, 10, 20, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 100);                        /* 10 rows * 10 cycles */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_WRITE], 400); /* 2 * 10 * 20 */
    ck_assert_uint_eq(tile_xbar_stats(t)->row_writes, 10);
    ck_assert_int_eq(tile_program(t, 129, 20, &cyc, &acc), ST_EINVAL);
}
END_TEST

START_TEST(test_tile_mask_count_crosses_word_boundary)
{
    /* word 0: bits 60..63 set (+ bit 1 outside the range); word 1: bits 0, 2, 4 set
     * (+ bit 6 outside).  [60, 70) holds 4 + 3 = 7 set bits. */
    const uint64_t m[2] = {0xF000000000000002ull, 0x55ull};
    ck_assert_uint_eq(tile_mask_count(m, 60, 10), 7);
    ck_assert_uint_eq(tile_mask_count(m, 60, 10), naive_count(m, 60, 10));
}
END_TEST

START_TEST(test_tile_mask_count_matches_per_bit_count)
{
    /* Fixed pseudo-random 5-word mask (64-bit LCG, Knuth's MMIX constants). */
    uint64_t m[5], s = 12345;
    for (int i = 0; i < 5; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        m[i] = s;
    }
    /* Sweep offsets and lengths over every alignment case inside 320 bits. */
    static const uint32_t offs[] = {0, 1, 31, 63, 64, 65, 100, 127, 128, 191, 200};
    static const uint32_t lens[] = {1, 2, 5, 63, 64, 65, 100, 119, 120};
    for (unsigned a = 0; a < sizeof offs / sizeof offs[0]; a++)
        for (unsigned b = 0; b < sizeof lens / sizeof lens[0]; b++)
            ck_assert_uint_eq(tile_mask_count(m, offs[a], lens[b]),
                              naive_count(m, offs[a], lens[b]));
}
END_TEST

START_TEST(test_tile_stat_descs_cover_every_counter)
{
    tile_req_t rq = {.row_off = 60, .rows = 100, .cols = 50, .mask = every_third};
    uint64_t cyc;
    ns_check_stat_descs(tile_stat_descs, tile_stat_ndescs, sizeof(tile_stats_t));
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(
        ns_stat_value(tile_stats(t), tile_stat_descs, tile_stat_ndescs, "rows_dropped"), 66);
}
END_TEST

/* The circuit of configs/default.yaml (docs/parameters.md): 128 x 128, 32 rows a step,
 * V_read 0.1 V, R_P 2 kOhm, TMR 1.5, R_access 1 kOhm, 0.1 fF gate + 0.2 fF/um wire, cells
 * 8F x 4F at F = 40 nm; word lines at 0.9 V; 8 columns per 6-bit SA, FOM 10 fJ, 0.2 fF per
 * pass gate, 5 fF sample capacitor; the areas and powers of the defaults. */
static const tile_params_t phys = {
    .xbar = {.rows = 128,
             .cols = 128,
             .max_active_rows = 32,
             .t_read_cyc = 1,
             .t_write_cyc = 2,
             .v_read_v = 0.1,
             .r_p_kohm = 2,
             .tmr = 1.5,
             .r_access_kohm = 1,
             .c_gate_ff = 0.1,
             .c_wire_ff_per_um = 0.2,
             .feature_nm = 40,
             .cell_w_f = 8,
             .cell_h_f = 4},
    .wldec = {.t_decode_cyc = 1, .v_wl_v = 0.9, .a_driver_um2 = 2, .p_driver_nw = 1},
    .sa = {.cols_per_sa = 8,
           .psum_bits = 6,
           .t_sense_cyc = 1,
           .fom_fj = 10,
           .v_dd_v = 0.9,
           .c_mux_ff = 0.2,
           .c_sh_ff = 5,
           .a_sa_um2 = 30,
           .a_lsb_um2 = 2,
           .a_mux_um2 = 0.5,
           .a_sh_um2 = 5,
           .p_sa_uw = 1},
};

/* Energy of one whole-array read (128 rows driven, 128 columns) under the derived table. */
static double phys_read_pj(const tile_params_t *p)
{
    en_table_t e;
    act_counts_t c;
    tile_t *k;
    uint64_t cyc;
    for (int a = 0; a < ACT_COUNT; a++)
        e.e_pj[a] = 0.0;
    e.e_pj[ACT_XBAR_CELL_READ] = e.e_pj[ACT_WLDEC_WL_CHARGE] = e.e_pj[ACT_SA_SENSE] = -1;
    e.e_pj[ACT_SA_MUX] = e.e_pj[ACT_SA_SAMPLE] = -1;
    tile_energy_fill(p, 1.0, &e); /* 1 GHz */
    act_counts_clear(&c);
    tile_req_t rq = {.rows = 128, .cols = 128};
    ck_assert_int_eq(tile_create(p, &k), ST_OK);
    ck_assert_int_eq(tile_mvm(k, &rq, &cyc, &c), ST_OK);
    tile_destroy(k);
    return en_total_pj(&e, &c);
}

START_TEST(test_tile_energy_fill_derives_only_what_is_not_given)
{
    en_table_t e;
    for (int a = 0; a < ACT_COUNT; a++)
        e.e_pj[a] = -1;
    e.e_pj[ACT_SA_SENSE] = 0.5; /* a measured figure stays */
    tile_energy_fill(&phys, 1.0, &e);
    /* V^2 x mean(1/(2+1), 1/(5+1)) mS x 1 ns = 0.01 x 0.25 = 0.0025 pJ */
    ck_assert_double_eq_tol(e.e_pj[ACT_XBAR_CELL_READ], 0.0025, 1e-12);
    /* C_WL = 128 x (0.1 + 8 x 0.04 um x 0.2 fF/um) = 128 x 0.164 = 20.992 fF;
     * x 0.9^2 = 17.00352 fJ */
    ck_assert_double_eq_tol(e.e_pj[ACT_WLDEC_WL_CHARGE], 0.01700352, 1e-12);
    ck_assert_double_eq(e.e_pj[ACT_SA_SENSE], 0.5);
    ck_assert_double_eq_tol(e.e_pj[ACT_SA_MUX], 0.001296, 1e-12);   /* 8 x 0.2 fF x 0.81 */
    ck_assert_double_eq_tol(e.e_pj[ACT_SA_SAMPLE], 0.00405, 1e-12); /* 5 fF x 0.81 */
    ck_assert_double_eq(e.e_pj[ACT_DRNG_SET], -1);                  /* not the tile's: untouched */
}
END_TEST

START_TEST(test_tile_sharing_sense_amps_costs_energy_and_saves_area)
{
    tile_params_t p32 = phys;
    p32.sa.cols_per_sa = 32;
    /* 8 per SA: 16 SAs, 8 slots x 6 bits = 48 sense cycles, bit lines biased 49 cycles.
     *   cells 16384 x 49 x 0.0025      = 2007.04 pJ
     *   word lines 128 x 0.01700352     =    2.17645056
     *   conversions 4 steps x 128 x 0.64 =  327.68
     *   mux 512 x 0.001296              =    0.663552      total 2337.56000256 pJ */
    ck_assert_double_eq_tol(phys_read_pj(&phys), 2337.56000256, 1e-6);
    /* 32 per SA: 4 SAs, 32 slots x 6 = 192, biased 193 cycles.
     *   16384 x 193 x 0.0025 = 7905.28; mux 512 x 32 x 0.2 x 0.81 fJ = 2.654208
     *   total 7905.28 + 2.17645056 + 327.68 + 2.654208 = 8237.79065856 pJ */
    ck_assert_double_eq_tol(phys_read_pj(&p32), 8237.79065856, 1e-6);
    /* Area: array 2 x 128 x 128 x (0.32 x 0.16 um) = 1677.7216; drivers 256 x 2 = 512;
     * SAs 16 x (30 + 2 x 64) + mux 128 x 0.5 = 2592 -> 4781.7216 um^2;
     * 4 SAs: 4 x 158 + 64 = 696 -> 2885.7216 um^2 */
    ck_assert_double_eq_tol(tile_area_um2(&phys), 4781.7216, 1e-9);
    ck_assert_double_eq_tol(tile_area_um2(&p32), 2885.7216, 1e-9);
    /* Static: 256 drivers x 1 nW + 16 (4) SAs x 1 uW */
    ck_assert_double_eq_tol(tile_static_uw(&phys), 16.256, 1e-12);
    ck_assert_double_eq_tol(tile_static_uw(&p32), 4.256, 1e-12);
    double a[COMP_COUNT] = {0};
    tile_area_by_comp_um2(&phys, a);
    ck_assert_double_eq_tol(a[COMP_XBAR], 1677.7216, 1e-9);
    ck_assert_double_eq_tol(a[COMP_WLDEC], 512.0, 1e-12);
    ck_assert_double_eq_tol(a[COMP_SA], 2592.0, 1e-12);
    ck_assert_double_eq(a[COMP_DRNG], 0.0);
}
END_TEST

START_TEST(test_tile_sample_hold_releases_bit_lines_for_a_sample_per_column)
{
    tile_params_t sh = phys;
    sh.sa.sample_hold = 1;
    ck_assert_uint_eq(tile_bias_cycles(&phys, 128), 49); /* 1 + 8 slots x 6 bits */
    ck_assert_uint_eq(tile_bias_cycles(&sh, 128), 1);    /* t_read only */
    /* 16384 x 1 x 0.0025 = 40.96; samples 512 x 0.00405 = 2.0736; the rest as above:
     * 40.96 + 2.17645056 + 327.68 + 0.663552 + 2.0736 = 373.55360256 pJ */
    ck_assert_double_eq_tol(phys_read_pj(&sh), 373.55360256, 1e-6);
    ck_assert_double_eq_tol(tile_area_um2(&sh), 4781.7216 + 640, 1e-9); /* + 128 x 5 um^2 */
    /* sampling does not change the timing */
    ck_assert_uint_eq(tile_mvm_cycles(&sh, 128, 128), tile_mvm_cycles(&phys, 128, 128));
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_tile_32_rows_take_one_step_33_take_two)
{
    tile_req_t r32 = {.rows = 32, .cols = 50};
    tile_req_t r33 = {.rows = 33, .cols = 50};
    uint64_t c32 = 0, c33 = 0;
    ck_assert_int_eq(tile_mvm(t, &r32, &c32, &acc), ST_OK);
    ck_assert_int_eq(tile_mvm(t, &r33, &c33, &acc), ST_OK);
    ck_assert_uint_eq(c32, 33);                    /* 1 * (2 + 3 + 28) */
    ck_assert_uint_eq(c33, 66);                    /* 2 * (2 + 3 + 28) */
    ck_assert_uint_eq(acc.n[ACT_WLDEC_DECODE], 3); /* 1 + 2 */
}
END_TEST

START_TEST(test_tile_mask_count_of_empty_range_and_whole_words)
{
    const uint64_t ones[3] = {~0ull, ~0ull, ~0ull};
    ck_assert_uint_eq(tile_mask_count(ones, 17, 0), 0);
    ck_assert_uint_eq(tile_mask_count(ones, 0, 192), 192); /* three full words */
    ck_assert_uint_eq(tile_mask_count(ones, 64, 64), 64);  /* exactly word 1 */
    ck_assert_uint_eq(tile_mask_count(ones, 63, 1), 1);    /* last bit of word 0 */
    ck_assert_uint_eq(tile_mask_count(ones, 64, 1), 1);    /* first bit of word 1 */
    ck_assert_uint_eq(tile_mask_count(ones, 3, 5), 5);     /* inside one word */
}
END_TEST

START_TEST(test_tile_without_weight_mask_col_off_and_wcols_are_ignored)
{
    /* the plain read of test_tile_mask_drives_only_set_rows_of_the_slice: 34 * 50 */
    tile_req_t rq = {
        .row_off = 60, .rows = 100, .cols = 50, .mask = every_third, .col_off = 1000, .wcols = 3};
    uint64_t cyc = 0;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 52700); /* 1700 cells * 31 bias cycles */
    ck_assert_uint_eq(cyc, 132);
}
END_TEST

START_TEST(test_tile_weight_mask_slice_may_end_at_the_last_layer_column)
{
    uint64_t wm[2], cyc;
    checker_wmask(wm);
    /* columns 5..9 of rows 0..7: row r keeps c in 5..9 with r + c even -> 2 for even r
     * (6, 8), 3 for odd r (5, 7, 9): 4 * 2 + 4 * 3 = 20 */
    tile_req_t rq = {.rows = 8, .cols = 5, .wmask = wm, .col_off = 5, .wcols = 10};
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 20 * 7); /* 7 bias cycles for 5 columns */
}
END_TEST

START_TEST(test_tile_all_weights_dropped_reads_no_cell)
{
    const uint64_t zeros[2] = {0};
    tile_req_t rq = {.rows = 8, .cols = 10, .wmask = zeros, .wcols = 10, .cell_mtjs = 4};
    uint64_t cyc = 0;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 0);
    ck_assert_uint_eq(tile_stats(t)->rows_driven, 8); /* the rows are still driven */
    ck_assert_uint_eq(cyc, tile_mvm_cycles(&good, 8, 10));
}
END_TEST

START_TEST(test_tile_all_rows_dropped_reads_no_cell)
{
    const uint64_t zeros[4] = {0};
    tile_req_t rq = {.row_off = 0, .rows = 128, .cols = 64, .mask = zeros};
    uint64_t cyc = 0;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 148); /* timing as for the full array */
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 0);
    ck_assert_uint_eq(tile_stats(t)->rows_dropped, 128);
}
END_TEST

/* ---- Errors ---- */

static const tile_req_t bad_reqs[] = {
    {.row_off = 0, .rows = 0, .cols = 50},          {.row_off = 0, .rows = 129, .cols = 50},
    {.row_off = 0, .rows = 100, .cols = 0},         {.row_off = 0, .rows = 100, .cols = 65},
    {.row_off = UINT32_MAX, .rows = 2, .cols = 50}, /* the slice's mask range would wrap */
};

START_TEST(test_tile_slice_not_fitting_is_einval_and_counts_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(tile_mvm(t, &bad_reqs[_i], &cyc, &acc), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    for (int a = 0; a < ACT_COUNT; a++)
        ck_assert_uint_eq(acc.n[a], 0);
    ck_assert_uint_eq(tile_stats(t)->mvms, 0);
    ck_assert_uint_eq(tile_xbar_stats(t)->mvms, 0);
    ck_assert_uint_eq(tile_wldec_stats(t)->decodes, 0);
    ck_assert_uint_eq(tile_sa_stats(t)->reads, 0);
}
END_TEST

START_TEST(test_tile_weight_mask_slice_past_layer_columns_is_einval_and_counts_nothing)
{
    uint64_t wm[2], cyc = 77;
    checker_wmask(wm);
    tile_req_t rq = {.rows = 8, .cols = 5, .wmask = wm, .col_off = 6, .wcols = 10};
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_EINVAL); /* 6 + 5 > 10 */
    rq.col_off = 11;
    rq.cols = 1;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_EINVAL); /* starts past the row */
    rq.col_off = 0;
    rq.wcols = 0;
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_EINVAL); /* no columns at all */
    rq.col_off = UINT32_MAX;
    rq.cols = 2;
    rq.wcols = UINT32_MAX; /* col_off + cols wraps 32 bits */
    ck_assert_int_eq(tile_mvm(t, &rq, &cyc, &acc), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    for (int a = 0; a < ACT_COUNT; a++)
        ck_assert_uint_eq(acc.n[a], 0);
    ck_assert_uint_eq(tile_stats(t)->mvms, 0);
    ck_assert_uint_eq(tile_xbar_stats(t)->cell_reads, 0);
}
END_TEST

START_TEST(test_tile_cells_overflowing_64_bits_are_erange)
{
    /* a 2^20 x 2^13 array read whole: 2^33 binary cells fit, times 2^31 MTJs = 2^64 not */
    const tile_params_t big = {
        .xbar = {.rows = 1u << 20,
                 .cols = 1u << 13,
                 .max_active_rows = 1u << 20,
                 .t_read_cyc = 1,
                 .t_write_cyc = 1},
        .wldec = {.t_decode_cyc = 1},
        /* a sample-and-hold: bit lines biased for the 1-cycle read only */
        .sa = {.cols_per_sa = 1, .psum_bits = 1, .t_sense_cyc = 1, .sample_hold = 1},
    };
    tile_t *b;
    uint64_t cyc = 77;
    tile_req_t rq = {.rows = 1u << 20, .cols = 1u << 13, .cell_mtjs = 1u << 31};
    ck_assert_int_eq(tile_create(&big, &b), ST_OK);
    ck_assert_int_eq(tile_mvm(b, &rq, &cyc, &acc), ST_ERANGE);
    ck_assert_uint_eq(cyc, 77);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 0);
    ck_assert_uint_eq(tile_stats(b)->mvms, 0);
    rq.cell_mtjs = (1u << 31) - 1; /* 2^64 - 2^33 fits */
    ck_assert_int_eq(tile_mvm(b, &rq, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], UINT64_MAX - (((uint64_t)1 << 33) - 1));
    tile_destroy(b);
    /* without it the lines stay biased 1 + 1 cycles: (2^64 - 2^33) * 2 cell-cycles do not fit */
    tile_params_t held = big;
    held.sa.sample_hold = 0;
    act_counts_clear(&acc);
    ck_assert_int_eq(tile_create(&held, &b), ST_OK);
    ck_assert_int_eq(tile_mvm(b, &rq, &cyc, &acc), ST_ERANGE);
    ck_assert_uint_eq(acc.n[ACT_XBAR_CELL_READ], 0);
    ck_assert_uint_eq(acc.n[ACT_WLDEC_WL_CHARGE], 0);
    tile_destroy(b);
}
END_TEST

START_TEST(test_tile_bad_part_params_are_einval_and_leave_out)
{
    static int marker;
    tile_t *out = (tile_t *)(void *)&marker;
    tile_params_t p = good;
    p.xbar.max_active_rows = 0; /* bad xbar */
    ck_assert_int_eq(tile_create(&p, &out), ST_EINVAL);
    p = good;
    p.wldec.t_decode_cyc = 0; /* bad decoder */
    ck_assert_int_eq(tile_create(&p, &out), ST_EINVAL);
    p = good;
    p.sa.psum_bits = 17; /* bad sense amplifiers */
    ck_assert_int_eq(tile_create(&p, &out), ST_EINVAL);
    ck_assert_int_eq(tile_create(NULL, &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (tile_t *)(void *)&marker);
    tile_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_tile_create_survives_every_allocation_failure)
{
    tile_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(tile_t, out, fails, tile_create(&good, &out));
    ck_assert_uint_eq(fails, 4); /* xbar, wldec, senseamp, then the tile handle */
    tile_destroy(out);
}
END_TEST

Suite *tile_suite(void)
{
    Suite *s = suite_create("tile");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_tile_cycles_are_steps_times_decode_read_and_sense);
    tcase_add_test(core, test_tile_energy_fill_derives_only_what_is_not_given);
    tcase_add_test(core, test_tile_sharing_sense_amps_costs_energy_and_saves_area);
    tcase_add_test(core, test_tile_sample_hold_releases_bit_lines_for_a_sample_per_column);
    tcase_add_test(core, test_tile_counts_decodes_senses_and_cell_reads_per_step);
    tcase_add_test(core, test_tile_mask_drives_only_set_rows_of_the_slice);
    tcase_add_test(core, test_tile_weight_mask_counts_kept_weights_of_driven_rows_in_slice_columns);
    tcase_add_test(core, test_tile_cell_mtjs_multiplies_conducting_cells);
    tcase_add_test(core, test_tile_weight_mask_count_matches_per_bit_reference);
    tcase_add_test(core, test_tile_part_stats_follow_the_read);
    tcase_add_test(core, test_tile_program_is_xbar_program);
    tcase_add_test(core, test_tile_mask_count_crosses_word_boundary);
    tcase_add_test(core, test_tile_mask_count_matches_per_bit_count);
    tcase_add_test(core, test_tile_stat_descs_cover_every_counter);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_tile_32_rows_take_one_step_33_take_two);
    tcase_add_test(lim, test_tile_mask_count_of_empty_range_and_whole_words);
    tcase_add_test(lim, test_tile_all_rows_dropped_reads_no_cell);
    tcase_add_test(lim, test_tile_without_weight_mask_col_off_and_wcols_are_ignored);
    tcase_add_test(lim, test_tile_weight_mask_slice_may_end_at_the_last_layer_column);
    tcase_add_test(lim, test_tile_all_weights_dropped_reads_no_cell);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_tile_slice_not_fitting_is_einval_and_counts_nothing, 0,
                        (int)(sizeof bad_reqs / sizeof bad_reqs[0]));
    tcase_add_test(err,
                   test_tile_weight_mask_slice_past_layer_columns_is_einval_and_counts_nothing);
    tcase_add_test(err, test_tile_cells_overflowing_64_bits_are_erange);
    tcase_add_test(err, test_tile_bad_part_params_are_einval_and_leave_out);
    tcase_add_test(err, test_tile_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
