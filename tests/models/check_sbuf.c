/* check_sbuf.c - SRAM buffer: word-time accesses, energy per bit moved, line buffer
 * (models/sbuf.c). */
#include "base/status.h"
#include "check_models.h"
#include "sbuf.h"

/* 1024 words of 64 bits (65536 bits); read 2 cycles, write 3 cycles per word; a line
 * buffer of 160 bits (LeNet-5 conv1's 5 rows of 32 one-channel pixels). */
static const sbuf_params_t good = {
    .words = 1024, .word_bits = 64, .t_read_cyc = 2, .t_write_cyc = 3, .line_bits = 160};
static sbuf_t *b;
static act_counts_t acc;

static void setup(void)
{
    ck_assert_int_eq(sbuf_create(&good, &b), ST_OK);
    act_counts_clear(&acc);
}

static void teardown(void)
{
    sbuf_destroy(b);
    b = NULL;
}

/* ---- Core ---- */

START_TEST(test_sbuf_capacity_is_words_times_word_bits)
{
    ck_assert_uint_eq(sbuf_capacity_bits(&good), 65536); /* 1024 * 64 */
    sbuf_params_t big = {.words = UINT32_MAX, .word_bits = 4096};
    ck_assert_uint_eq(sbuf_capacity_bits(&big), 17592186040320ull); /* (2^32 - 1) * 2^12 */
}
END_TEST

START_TEST(test_sbuf_read_takes_word_times_and_charges_bits_moved)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(sbuf_read(b, 100, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 4);                        /* ceil(100/64) = 2 words * 2 */
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 100); /* packed: the 100 bits moved */
    ck_assert_uint_eq(sbuf_stats(b)->bits_read, 100);
    ck_assert_uint_eq(acc.n[ACT_SBUF_WRITE_BIT], 0);
    ck_assert_uint_eq(sbuf_stats(b)->word_reads, 2);
}
END_TEST

START_TEST(test_sbuf_write_uses_t_write_and_write_bits)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(sbuf_write(b, 200, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 12);                        /* ceil(200/64) = 4 words * 3 */
    ck_assert_uint_eq(acc.n[ACT_SBUF_WRITE_BIT], 200); /* the bits moved, not 4 * 64 */
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 0);
    ck_assert_uint_eq(sbuf_stats(b)->word_writes, 4);
    ck_assert_uint_eq(sbuf_stats(b)->word_reads, 0);
    sbuf_stats_reset(b);
    ck_assert_uint_eq(sbuf_stats(b)->word_writes, 0);
}
END_TEST

START_TEST(test_sbuf_stat_descs_cover_every_counter)
{
    uint64_t cyc;
    ns_check_stat_descs(sbuf_stat_descs, sbuf_stat_ndescs, sizeof(sbuf_stats_t));
    ck_assert_int_eq(sbuf_read(b, 129, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(ns_stat_value(sbuf_stats(b), sbuf_stat_descs, sbuf_stat_ndescs, "word_reads"),
                      3); /* ceil(129/64) */
}
END_TEST

/* Ten 6-bit output vectors (a 6-channel conv's outputs) packed into 64-bit words: 60 bits,
 * 10 writes of ceil(6/64) = 1 word each (3 cycles), and 60 bits of energy where whole words
 * would charge 10 x 64 = 640: the 9x over-count of issue 11. */
START_TEST(test_sbuf_narrow_vectors_share_words_in_energy)
{
    uint64_t cyc = 0, total = 0;
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(sbuf_write(b, 6, &cyc, &acc), ST_OK);
        total += cyc;
    }
    ck_assert_uint_eq(total, 30);                     /* 10 x 1 word x 3 cycles */
    ck_assert_uint_eq(acc.n[ACT_SBUF_WRITE_BIT], 60); /* 10 x 6 */
    ck_assert_uint_eq(sbuf_stats(b)->word_writes, 10);
    ck_assert_uint_eq(sbuf_stats(b)->bits_written, 60);
}
END_TEST

/* A 5x5 window of one channel from the line buffer: 25 bits at ACT_LBUF_READ_BIT, no
 * buffer word read; LeNet-5 conv1 reads 784 such windows: 784 x 25 = 19600 bits. */
START_TEST(test_sbuf_line_read_counts_window_bits)
{
    for (int i = 0; i < 784; i++)
        ck_assert_int_eq(sbuf_line_read(b, 25, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_LBUF_READ_BIT], 19600); /* 784 x 25 */
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 0);
    ck_assert_uint_eq(sbuf_stats(b)->line_bits_read, 19600);
    ck_assert_uint_eq(sbuf_stats(b)->word_reads, 0);
}
END_TEST

/* ---- Limits ---- */

/* The line buffer holds 160 bits: a 160-bit window fits, 161 does not; 0 is a no-op; a
 * buffer without one (line_bits 0) refuses any window. */
START_TEST(test_sbuf_line_read_fits_its_capacity)
{
    ck_assert_int_eq(sbuf_line_read(b, 160, &acc), ST_OK);
    ck_assert_int_eq(sbuf_line_read(b, 161, &acc), ST_ERANGE);
    ck_assert_int_eq(sbuf_line_read(b, 0, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_LBUF_READ_BIT], 160); /* only the fitting one */
    sbuf_params_t none = good;
    none.line_bits = 0;
    sbuf_t *n;
    ck_assert_int_eq(sbuf_create(&none, &n), ST_OK);
    ck_assert_int_eq(sbuf_line_read(n, 1, &acc), ST_ERANGE);
    ck_assert_int_eq(sbuf_line_read(NULL, 1, &acc), ST_EINVAL);
    sbuf_destroy(n);
}
END_TEST

/* SRAM energy per bit from Horowitz's three 45 nm points (64-bit reads: 8 KB 10 pJ, 32 KB
 * 20 pJ, 1 MB 100 pJ), worked by hand:
 *   8 KB = 65536 bits: 10 / 64 = 0.15625;  32 KB: 20 / 64 = 0.3125;  1 MB: 100 / 64 = 1.5625
 *   128 KB: slope ln 5 / ln 32 = 1.60944 / 3.46574 = 0.464386; 4^0.464386 = e^0.643775 =
 *     1.903654; 20 x 1.903654 / 64 = 0.594892
 *   1 KB (below the table, the first segment's slope 0.5): 10 x (1/8)^0.5 / 64 = 0.0552427
 *   8 KB at 22 nm: 0.15625 x 22 / 45 = 0.0763889 */
START_TEST(test_sbuf_energy_per_bit_follows_capacity_and_node)
{
    ck_assert_double_eq_tol(sbuf_e_bit_pj(65536, 45.0), 0.15625, 1e-12);
    ck_assert_double_eq_tol(sbuf_e_bit_pj(262144, 45.0), 0.3125, 1e-12);
    ck_assert_double_eq_tol(sbuf_e_bit_pj(8388608, 45.0), 1.5625, 1e-12);
    ck_assert_double_eq_tol(sbuf_e_bit_pj(1048576, 45.0), 0.594892, 1e-6);
    ck_assert_double_eq_tol(sbuf_e_bit_pj(8192, 45.0), 0.0552427, 1e-7);
    ck_assert_double_eq_tol(sbuf_e_bit_pj(65536, 22.0), 0.0763889, 1e-7);
}
END_TEST

/* The scale buffer counts its accesses as ACT_SCALE_*, the global buffer as ACT_SBUF_*. */
START_TEST(test_sbuf_scale_buffer_counts_its_own_actions)
{
    sbuf_params_t p = {.words = 16, .word_bits = 8, .t_read_cyc = 1, .t_write_cyc = 1, .scale = 1};
    sbuf_t *b = NULL;
    ck_assert_int_eq(sbuf_create(&p, &b), ST_OK);
    act_counts_t acc;
    act_counts_clear(&acc);
    uint64_t cyc = 0;
    ck_assert_int_eq(sbuf_read(b, 12, &cyc, &acc), ST_OK);
    ck_assert_int_eq(sbuf_write(b, 5, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(acc.n[ACT_SCALE_READ_BIT], 12);
    ck_assert_uint_eq(acc.n[ACT_SCALE_WRITE_BIT], 5);
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 0);
    ck_assert_uint_eq(acc.n[ACT_SBUF_WRITE_BIT], 0);
    sbuf_destroy(b);
}
END_TEST

START_TEST(test_sbuf_64_bits_take_one_word_65_take_two)
{
    uint64_t c64 = 0, c65 = 0;
    ck_assert_int_eq(sbuf_read(b, 64, &c64, &acc), ST_OK);
    ck_assert_int_eq(sbuf_read(b, 65, &c65, &acc), ST_OK);
    ck_assert_uint_eq(c64, 2);                        /* 1 word * 2 */
    ck_assert_uint_eq(c65, 4);                        /* 2 words * 2 */
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 129); /* 64 + 65 bits, not (1 + 2) * 64 */
}
END_TEST

START_TEST(test_sbuf_whole_capacity_fits_one_more_bit_does_not)
{
    uint64_t cyc = 0;
    ck_assert_int_eq(sbuf_read(b, 65536, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 2048); /* 1024 words * 2 */
    ck_assert_int_eq(sbuf_read(b, 65537, &cyc, &acc), ST_ERANGE);
    ck_assert_int_eq(sbuf_write(b, 65537, &cyc, &acc), ST_ERANGE);
    ck_assert_uint_eq(cyc, 2048);                       /* untouched by the failures */
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 65536); /* only the good read */
    ck_assert_uint_eq(acc.n[ACT_SBUF_WRITE_BIT], 0);
    ck_assert_uint_eq(sbuf_stats(b)->word_reads, 1024);
    ck_assert_uint_eq(sbuf_stats(b)->word_writes, 0);
}
END_TEST

START_TEST(test_sbuf_zero_bits_cost_nothing)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(sbuf_read(b, 0, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 0);
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 0);
}
END_TEST

START_TEST(test_sbuf_widest_word_is_accepted)
{
    sbuf_params_t p = {.words = 2, .word_bits = 4096, .t_read_cyc = 1, .t_write_cyc = 1};
    sbuf_t *w;
    uint64_t cyc = 0;
    ck_assert_int_eq(sbuf_create(&p, &w), ST_OK);
    ck_assert_int_eq(sbuf_read(w, 4097, &cyc, &acc), ST_OK);
    ck_assert_uint_eq(cyc, 2);                         /* ceil(4097/4096) = 2 words */
    ck_assert_uint_eq(acc.n[ACT_SBUF_READ_BIT], 4097); /* the bits, not 2 * 4096 */
    sbuf_destroy(w);
}
END_TEST

/* ---- Errors ---- */

static const sbuf_params_t bad[] = {
    {.words = 0, .word_bits = 64, .t_read_cyc = 2, .t_write_cyc = 3},
    {.words = 1024, .word_bits = 0, .t_read_cyc = 2, .t_write_cyc = 3},
    {.words = 1024, .word_bits = 4097, .t_read_cyc = 2, .t_write_cyc = 3},
    {.words = 1024, .word_bits = 64, .t_read_cyc = 0, .t_write_cyc = 3},
    {.words = 1024, .word_bits = 64, .t_read_cyc = 2, .t_write_cyc = 0},
};

START_TEST(test_sbuf_create_rejects_bad_params_and_leaves_out)
{
    static int marker;
    sbuf_t *out = (sbuf_t *)(void *)&marker;
    ck_assert_int_eq(sbuf_create(&bad[_i], &out), ST_EINVAL);
    ck_assert_ptr_eq(out, (sbuf_t *)(void *)&marker);
}
END_TEST

START_TEST(test_sbuf_null_arguments_are_einval)
{
    uint64_t cyc = 77;
    ck_assert_int_eq(sbuf_create(NULL, &b), ST_EINVAL);
    ck_assert_int_eq(sbuf_read(NULL, 1, &cyc, &acc), ST_EINVAL);
    ck_assert_int_eq(sbuf_read(b, 1, NULL, &acc), ST_EINVAL);
    ck_assert_int_eq(sbuf_write(b, 1, &cyc, NULL), ST_EINVAL);
    ck_assert_uint_eq(cyc, 77);
    sbuf_destroy(NULL); /* no-op */
}
END_TEST

START_TEST(test_sbuf_create_survives_every_allocation_failure)
{
    sbuf_t *out;
    unsigned long fails;
    NS_FAULT_LOOP(sbuf_t, out, fails, sbuf_create(&good, &out));
    ck_assert_uint_ge(fails, 1);
    sbuf_destroy(out);
}
END_TEST

Suite *sbuf_suite(void)
{
    Suite *s = suite_create("sbuf");
    TCase *core = tcase_create("Core");
    tcase_add_checked_fixture(core, setup, teardown);
    tcase_add_test(core, test_sbuf_capacity_is_words_times_word_bits);
    tcase_add_test(core, test_sbuf_read_takes_word_times_and_charges_bits_moved);
    tcase_add_test(core, test_sbuf_narrow_vectors_share_words_in_energy);
    tcase_add_test(core, test_sbuf_line_read_counts_window_bits);
    tcase_add_test(core, test_sbuf_write_uses_t_write_and_write_bits);
    tcase_add_test(core, test_sbuf_stat_descs_cover_every_counter);
    tcase_add_test(core, test_sbuf_energy_per_bit_follows_capacity_and_node);
    tcase_add_test(core, test_sbuf_scale_buffer_counts_its_own_actions);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_checked_fixture(lim, setup, teardown);
    tcase_add_test(lim, test_sbuf_64_bits_take_one_word_65_take_two);
    tcase_add_test(lim, test_sbuf_whole_capacity_fits_one_more_bit_does_not);
    tcase_add_test(lim, test_sbuf_zero_bits_cost_nothing);
    tcase_add_test(lim, test_sbuf_widest_word_is_accepted);
    tcase_add_test(lim, test_sbuf_line_read_fits_its_capacity);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_checked_fixture(err, setup, teardown);
    tcase_add_loop_test(err, test_sbuf_create_rejects_bad_params_and_leaves_out, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(err, test_sbuf_null_arguments_are_einval);
    tcase_add_test(err, test_sbuf_create_survives_every_allocation_failure);
    suite_add_tcase(s, err);
    return s;
}
