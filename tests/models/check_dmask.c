/* check_dmask.c - row masks of a crossbar read from dropout units: per-row (SpinDrop),
 * per-neuron and per-channel (Spatial-SpinDrop) granularity (models/dmask.c). */
#include <signal.h>

#include "base/bits.h"
#include "base/status.h"
#include "check_models.h"
#include "dmask.h"

#define WORDS 80 /* room for every mask of these tests: 130 * 5 * 5 = 3250 rows, 3900 units */

/* Bit i of v. */
static unsigned bit(const uint64_t *v, uint64_t i)
{
    return (unsigned)(v[i / 64] >> (i % 64)) & 1;
}

/* Reference row mask, one row at a time straight from the layout in dmask.h:
 * row r = (kh * k + kw) * cin + c reads channel c at (oh * stride + kh - pad,
 * ow * stride + kw - pad), v = oh * wout + ow; the padding is always driven. */
static uint32_t ref_rows(const dmask_geom_t *g, dmask_gran_t gran, const uint64_t *kept, uint32_t v,
                         uint64_t *out)
{
    uint32_t undriven = 0;
    memset(out, 0, (g->rows + 63) / 64 * sizeof *out);
    for (uint32_t r = 0; r < g->rows; r++) {
        unsigned on;
        if (gran == DMASK_ROW) {
            on = bit(kept, r);
        } else {
            uint32_t c = r % g->cin, kpos = r / g->cin, kh = kpos / g->k, kw = kpos % g->k;
            if (gran == DMASK_CHANNEL) {
                on = bit(kept, c);
            } else {
                long ih = (long)(v / g->wout) * g->stride + kh - (long)g->pad;
                long iw = (long)(v % g->wout) * g->stride + kw - (long)g->pad;
                if (ih < 0 || iw < 0 || ih >= (long)g->hin || iw >= (long)g->win)
                    on = 1;
                else
                    on = bit(kept, ((uint64_t)ih * g->win + (uint64_t)iw) * g->cin + c);
            }
        }
        out[r / 64] |= (uint64_t)on << (r % 64);
        undriven += !on;
    }
    return undriven;
}

/* Fixed 64-bit LCG (Knuth's MMIX constants). */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s;
}

static dmask_geom_t conv(uint32_t cin, uint32_t hin, uint32_t win, uint32_t k, uint32_t stride,
                         uint32_t pad)
{
    dmask_geom_t g = {.cin = cin, .hin = hin, .win = win, .k = k, .stride = stride, .pad = pad};
    g.wout = (win + 2 * pad - k) / stride + 1;
    g.rows = k * k * cin;
    return g;
}

/* ---- Core ---- */

START_TEST(test_dmask_rows_match_per_bit_reference_for_every_v)
{
    static const uint32_t cins[] = {1, 3, 63, 64, 65, 130};
    static const uint32_t ks[] = {1, 3, 5};
    static const dmask_gran_t grans[] = {DMASK_ROW, DMASK_NEURON, DMASK_CHANNEL};
    uint64_t kept[WORDS], got[WORDS + 1], want[WORDS], s = 2024;
    unsigned cases = 0;
    for (unsigned a = 0; a < sizeof cins / sizeof cins[0]; a++)
        for (unsigned b = 0; b < sizeof ks / sizeof ks[0]; b++)
            for (uint32_t stride = 1; stride <= 2; stride++)
                for (uint32_t pad = 0; pad <= 2; pad++) {
                    /* a 5 x 6 input (not square, so rows and columns cannot be swapped) */
                    const uint32_t hin = 5, win = 6;
                    if (hin + 2 * pad < ks[b])
                        continue;
                    dmask_geom_t g = conv(cins[a], hin, win, ks[b], stride, pad);
                    const uint32_t hout = (hin + 2 * pad - ks[b]) / stride + 1;
                    const uint32_t nw = (g.rows + 63) / 64;
                    for (unsigned i = 0; i < WORDS; i++)
                        kept[i] = lcg(&s); /* about half the units kept */
                    for (unsigned gi = 0; gi < 3; gi++)
                        for (uint32_t v = 0; v < hout * g.wout; v++) {
                            for (unsigned i = 0; i <= WORDS; i++)
                                got[i] = lcg(&s); /* garbage: every row bit must be written */
                            const uint64_t after = got[nw];
                            uint32_t u = dmask_rows(&g, grans[gi], kept, v, got);
                            uint32_t wu = ref_rows(&g, grans[gi], kept, v, want);
                            ck_assert_msg(!memcmp(got, want, nw * sizeof *got),
                                          "cin %u k %u stride %u pad %u gran %u v %u", cins[a],
                                          ks[b], stride, pad, gi, v);
                            ck_assert_uint_eq(u, wu);
                            ck_assert_uint_eq(got[nw], after); /* nothing past the mask */
                            cases++;
                        }
                }
    /* 6 cin * 3 k * 2 strides * 3 pads = 108 geometries (5 + 2 pad >= k always) * 3
     * granularities * at least 1 x 1 outputs: the sweep really ran */
    ck_assert_uint_ge(cases, 108 * 3);
}
END_TEST

START_TEST(test_dmask_neuron_3x3_pad1_corner_drives_the_padded_kernel_positions)
{
    /* 3x3 kernel, cin 2, 4x4 input, pad 1, stride 1: wout 4, 18 rows.  At v = 0 the
     * kernel's top row (kpos 0, 1, 2) and left column (kpos 0, 3, 6) lie on the padding:
     * rows 0-5, 6-7 and 12-13 driven = 0x30FF; kpos 4, 5, 7, 8 read real neurons. */
    dmask_geom_t g = conv(2, 4, 4, 3, 1, 1);
    uint64_t kept[1] = {0}, out[1];
    ck_assert_uint_eq(g.wout, 4);
    ck_assert_uint_eq(g.rows, 18);
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 0, out), 8); /* 18 - 10 */
    ck_assert_uint_eq(out[0], 0x30FFull);
    /* keep neuron (c 1, ih 1, iw 1) = unit (1 * 4 + 1) * 2 + 1 = 11: kpos 8 (kh 2, kw 2
     * reads ih 1, iw 1), channel 1 -> row 17 */
    kept[0] = (uint64_t)1 << 11;
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 0, out), 7);
    ck_assert_uint_eq(out[0], 0x30FFull | (uint64_t)1 << 17);
}
END_TEST

START_TEST(test_dmask_neuron_interior_position_drops_exactly_the_dropped_neurons)
{
    /* Same layer, v = 5 (oh 1, ow 1): every kernel position is inside, row
     * (kh * 3 + kw) * 2 + c reads unit ((kh * 4 + kw) * 2 + c).  Drop neuron (c 0, ih 2,
     * iw 2) = unit 20: kh 2, kw 2, c 0 -> row 16.  Drop also unit 31 (ih 3, iw 3, c 1):
     * outside this window (ih 0..2), so no row changes. */
    dmask_geom_t g = conv(2, 4, 4, 3, 1, 1);
    uint64_t kept[1] = {~((uint64_t)1 << 20 | (uint64_t)1 << 31)}, out[1];
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 5, out), 1);
    ck_assert_uint_eq(out[0], 0x3FFFFull & ~((uint64_t)1 << 16));
    /* v = 15 (oh 3, ow 3): the window is ih 2..4, iw 2..4; unit 31 = (3, 3) is kpos 4
     * (kh 1, kw 1) c 1 -> row 9 undriven, unit 20 = (2, 2) is kpos 0 c 0 -> row 0;
     * kh 2 or kw 2 reach row/column 4, the padding: driven. */
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 15, out), 2);
    ck_assert_uint_eq(out[0], 0x3FFFFull & ~((uint64_t)1 << 9 | (uint64_t)1));
}
END_TEST

START_TEST(test_dmask_stride_2_moves_the_window_two_pixels)
{
    /* cin 1, 5x5 input, 3x3 kernel, stride 2, pad 0: wout 2.  v = 1 (oh 0, ow 1) reads
     * ih 0..2, iw 2..4: row kh * 3 + kw <- unit kh * 5 + 2 + kw.  Keep only unit 7
     * (ih 1, iw 2): kh 1, kw 0 -> row 3. */
    dmask_geom_t g = conv(1, 5, 5, 3, 2, 0);
    uint64_t kept[1] = {(uint64_t)1 << 7}, out[1];
    ck_assert_uint_eq(g.wout, 2);
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 1, out), 8);
    ck_assert_uint_eq(out[0], (uint64_t)1 << 3);
    /* v = 0 reads iw 0..2: unit 7 is (ih 1, iw 2) -> kh 1, kw 2 -> row 5 */
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 0, out), 8);
    ck_assert_uint_eq(out[0], (uint64_t)1 << 5);
}
END_TEST

START_TEST(test_dmask_channel_drop_undrives_nine_rows_of_a_3x3_conv)
{
    /* cin 16, 3x3: 144 rows; dropping channel 5 clears rows kpos * 16 + 5, kpos 0..8 */
    dmask_geom_t g = conv(16, 8, 8, 3, 1, 1);
    uint64_t kept[1] = {0xFFFFull & ~((uint64_t)1 << 5)}, out[3];
    ck_assert_uint_eq(dmask_rows(&g, DMASK_CHANNEL, kept, 0, out), 9);
    for (uint32_t r = 0; r < 144; r++)
        ck_assert_uint_eq(bit(out, r), r % 16 != 5);
    /* the channel mask ignores v and the padding: a corner gives the same rows */
    uint64_t corner[3];
    ck_assert_uint_eq(dmask_rows(&g, DMASK_CHANNEL, kept, 63, corner), 9);
    ck_assert_mem_eq(out, corner, sizeof out);
    /* dropping two channels: 18 */
    kept[0] &= ~(uint64_t)1; /* and channel 0 */
    ck_assert_uint_eq(dmask_rows(&g, DMASK_CHANNEL, kept, 0, out), 18);
}
END_TEST

START_TEST(test_dmask_row_granularity_copies_the_unit_mask)
{
    dmask_geom_t g = {.rows = 100};
    uint64_t kept[2] = {0x0123456789ABCDEFull, 0xFFFFFFFFFFFFFFFFull}, out[2];
    /* rows 64..99 are the low 36 bits of word 1; bits 100..127 of kept are past `rows` */
    uint32_t pc0 = 32; /* popcount(0x0123456789ABCDEF) = 0+1+1+2+1+2+2+3+1+2+2+3+2+3+3+4 */
    ck_assert_uint_eq(dmask_rows(&g, DMASK_ROW, kept, 0, out), 100 - pc0 - 36);
    ck_assert_uint_eq(out[0], kept[0]);
    ck_assert_uint_eq(out[1], 0xFFFFFFFFFull); /* 36 ones, tail clear */
}
END_TEST

START_TEST(test_dmask_fc_neuron_mask_is_the_input_mask)
{
    /* fc with 100 inputs: cin 100, hin = win = k = stride = 1, pad 0, wout 1, v 0 */
    dmask_geom_t g = {
        .cin = 100, .hin = 1, .win = 1, .k = 1, .stride = 1, .pad = 0, .wout = 1, .rows = 100};
    uint64_t kept[2] = {0xF0F0F0F0F0F0F0F0ull, 0xFFFFFFFF0000000Full}, out[2];
    ck_assert_uint_eq(dmask_units(&g, DMASK_NEURON), 100);
    /* 32 ones in word 0; bits 64..99 are the low 36 bits of word 1, 0xF0000000F: 8 ones;
     * 100 - 40 = 60 undriven */
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 0, out), 60);
    ck_assert_uint_eq(out[0], kept[0]);
    ck_assert_uint_eq(out[1], 0xF0000000Full);
}
END_TEST

START_TEST(test_dmask_units_per_granularity)
{
    dmask_geom_t g = conv(3, 32, 30, 3, 1, 1);
    ck_assert_uint_eq(dmask_units(&g, DMASK_ROW), 27);      /* 3 * 3 * 3 rows */
    ck_assert_uint_eq(dmask_units(&g, DMASK_NEURON), 2880); /* 3 * 32 * 30 */
    ck_assert_uint_eq(dmask_units(&g, DMASK_CHANNEL), 3);
    /* neurons of a big layer do not wrap 32 bits: 4096 * 1024 * 1024 = 2^32 */
    dmask_geom_t big = {.cin = 4096, .hin = 1024, .win = 1024, .k = 1, .rows = 4096};
    ck_assert_uint_eq(dmask_units(&big, DMASK_NEURON), (uint64_t)1 << 32);
}
END_TEST

START_TEST(test_dmask_bit_range_helpers_match_per_bit_copy_and_count)
{
    /* dmask's word-wise copies (base/bits.h) against one bit at a time, for every source
     * and destination alignment within two words and lengths across 0..200 */
    uint64_t src[6], dst[6], want[6], s = 7;
    for (unsigned i = 0; i < 6; i++)
        src[i] = lcg(&s);
    for (uint64_t so = 0; so < 128; so++)
        for (uint64_t dof = 0; dof < 128; dof += 1 + (dof % 7 == 6) * 8)
            for (uint64_t n = 0; n <= 200; n += 1 + n / 16) {
                for (unsigned i = 0; i < 6; i++)
                    dst[i] = want[i] = lcg(&s);
                for (uint64_t i = 0; i < n; i++) {
                    uint64_t d = dof + i;
                    want[d / 64] = (want[d / 64] & ~((uint64_t)1 << (d % 64))) |
                                   (uint64_t)bit(src, so + i) << (d % 64);
                }
                bits_copy(dst, dof, src, so, n);
                ck_assert_msg(!memcmp(dst, want, sizeof dst), "copy so %lu do %lu n %lu",
                              (unsigned long)so, (unsigned long)dof, (unsigned long)n);
                uint64_t c = 0;
                for (uint64_t i = 0; i < n; i++)
                    c += bit(src, so + i);
                ck_assert_uint_eq(bits_count(src, so, n), c);
            }
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_dmask_all_kept_drives_every_row_and_clears_the_tail)
{
    static const uint32_t cins[] = {1, 7, 63, 64, 65};
    for (unsigned a = 0; a < sizeof cins / sizeof cins[0]; a++) {
        dmask_geom_t g = conv(cins[a], 3, 3, 3, 1, 1);
        uint64_t kept[WORDS], out[WORDS];
        memset(kept, 0xFF, sizeof kept); /* units past dmask_units set too */
        const uint32_t nw = (g.rows + 63) / 64;
        for (unsigned gi = 0; gi < 3; gi++) {
            memset(out, 0xFF, sizeof out);
            ck_assert_uint_eq(dmask_rows(&g, (dmask_gran_t)gi, kept, 4, out), 0);
            for (uint32_t r = 0; r < g.rows; r++)
                ck_assert_uint_eq(bit(out, r), 1);
            if (g.rows % 64) /* 9 * cin rows: tail of the last word clear */
                ck_assert_uint_eq(out[nw - 1] >> (g.rows % 64), 0);
        }
    }
}
END_TEST

START_TEST(test_dmask_nothing_kept_without_padding_undrives_every_row)
{
    /* pad 0: every row reads a real neuron */
    dmask_geom_t g = conv(65, 4, 4, 3, 1, 0);
    uint64_t kept[WORDS] = {0}, out[WORDS];
    /* hout = wout = 2 */
    for (uint32_t v = 0; v < 4; v++)
        ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, v, out), 585); /* 9 * 65 */
    ck_assert_uint_eq(dmask_rows(&g, DMASK_CHANNEL, kept, 0, out), 585);
    ck_assert_uint_eq(dmask_rows(&g, DMASK_ROW, kept, 0, out), 585);
    for (unsigned i = 0; i < (585 + 63) / 64; i++)
        ck_assert_uint_eq(out[i], 0);
}
END_TEST

START_TEST(test_dmask_kernel_larger_than_input_reads_only_the_centre)
{
    /* 1x1 input, 5x5 kernel, pad 2, cin 3: only kpos 12 (kh 2, kw 2) reads the pixel;
     * the other 24 positions are padding.  Nothing kept: 3 undriven rows, 36..38. */
    dmask_geom_t g = conv(3, 1, 1, 5, 1, 2);
    uint64_t kept[1] = {0}, out[2];
    ck_assert_uint_eq(g.wout, 1);
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 0, out), 3);
    for (uint32_t r = 0; r < 75; r++)
        ck_assert_uint_eq(bit(out, r), r < 36 || r > 38);
    ck_assert_uint_eq(out[1] >> (75 - 64), 0);
}
END_TEST

START_TEST(test_dmask_rows_of_one_full_word_write_only_that_word)
{
    /* cin 64, 1x1 kernel: 64 rows, exactly one word; the next word must stay untouched */
    dmask_geom_t g = conv(64, 2, 2, 1, 1, 0);
    uint64_t kept[4] = {1, 2, 4, 8}, out[2] = {0, 0x5A5A5A5A5A5A5A5Aull};
    /* v 3 = (1, 1) reads units 192..255 = word 3 */
    ck_assert_uint_eq(dmask_rows(&g, DMASK_NEURON, kept, 3, out), 63);
    ck_assert_uint_eq(out[0], 8);
    ck_assert_uint_eq(out[1], 0x5A5A5A5A5A5A5A5Aull);
}
END_TEST

START_TEST(test_dmask_rows_allocates_nothing)
{
    /* every model allocation goes through st_malloc, which counts st_fail_alloc_at down */
    dmask_geom_t g = conv(130, 5, 6, 5, 1, 2);
    uint64_t kept[WORDS], out[WORDS];
    memset(kept, 0xAA, sizeof kept);
    st_fail_alloc_at = 1000;
    for (unsigned gi = 0; gi < 3; gi++)
        dmask_rows(&g, (dmask_gran_t)gi, kept, 7, out);
    unsigned long left = st_fail_alloc_at;
    st_fail_alloc_at = 0;
    ck_assert_uint_eq(left, 1000);
}
END_TEST

/* ---- Errors ---- */

START_TEST(test_dmask_unknown_granularity_is_a_bug_and_aborts)
{
    dmask_geom_t g = conv(2, 4, 4, 3, 1, 1);
    uint64_t kept[1] = {0}, out[1];
    dmask_rows(&g, (dmask_gran_t)3, kept, 0, out);
}
END_TEST

START_TEST(test_dmask_units_of_unknown_granularity_is_a_bug_and_aborts)
{
    dmask_geom_t g = conv(2, 4, 4, 3, 1, 1);
    dmask_units(&g, (dmask_gran_t)7);
}
END_TEST

START_TEST(test_dmask_rows_not_k_k_cin_is_a_bug_and_aborts)
{
    dmask_geom_t g = conv(2, 4, 4, 3, 1, 1);
    uint64_t kept[1] = {0}, out[1];
    g.rows = 17; /* 3 * 3 * 2 = 18 */
    dmask_rows(&g, _i ? DMASK_CHANNEL : DMASK_NEURON, kept, 0, out);
}
END_TEST

START_TEST(test_dmask_null_geometry_is_a_bug_and_aborts)
{
    uint64_t kept[1] = {0}, out[1];
    dmask_rows(NULL, DMASK_ROW, kept, 0, out);
}
END_TEST

Suite *dmask_suite(void)
{
    Suite *s = suite_create("dmask");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_dmask_rows_match_per_bit_reference_for_every_v);
    tcase_add_test(core, test_dmask_neuron_3x3_pad1_corner_drives_the_padded_kernel_positions);
    tcase_add_test(core, test_dmask_neuron_interior_position_drops_exactly_the_dropped_neurons);
    tcase_add_test(core, test_dmask_stride_2_moves_the_window_two_pixels);
    tcase_add_test(core, test_dmask_channel_drop_undrives_nine_rows_of_a_3x3_conv);
    tcase_add_test(core, test_dmask_row_granularity_copies_the_unit_mask);
    tcase_add_test(core, test_dmask_fc_neuron_mask_is_the_input_mask);
    tcase_add_test(core, test_dmask_units_per_granularity);
    tcase_add_test(core, test_dmask_bit_range_helpers_match_per_bit_copy_and_count);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_dmask_all_kept_drives_every_row_and_clears_the_tail);
    tcase_add_test(lim, test_dmask_nothing_kept_without_padding_undrives_every_row);
    tcase_add_test(lim, test_dmask_kernel_larger_than_input_reads_only_the_centre);
    tcase_add_test(lim, test_dmask_rows_of_one_full_word_write_only_that_word);
    tcase_add_test(lim, test_dmask_rows_allocates_nothing);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_set_tags(err, "aborts"); /* SIM_BUG tests: skipped under CK_FORK=no (valgrind) */
    tcase_add_test_raise_signal(err, test_dmask_unknown_granularity_is_a_bug_and_aborts, SIGABRT);
    tcase_add_test_raise_signal(err, test_dmask_units_of_unknown_granularity_is_a_bug_and_aborts,
                                SIGABRT);
    tcase_add_loop_test_raise_signal(err, test_dmask_rows_not_k_k_cin_is_a_bug_and_aborts, SIGABRT,
                                     0, 2);
    tcase_add_test_raise_signal(err, test_dmask_null_geometry_is_a_bug_and_aborts, SIGABRT);
    suite_add_tcase(s, err);
    return s;
}
