/* check_arch.c - the architecture schema and loaders: defaults, every key landing in its
 * field, cross-field checks, the round trip through arch_dump_yaml, and clean failure. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"

/* ---- helpers ---- */

/* Asserts that every schema field and drng.clk_ns are bitwise equal in a and b. */
static void assert_same_fields(const arch_t *a, const arch_t *b)
{
    size_t nb;
    const arch_block_t *bl = arch_blocks(&nb);
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < bl[i].n_fields; j++) {
            const yfield_t *r = &bl[i].fields[j];
            if (memcmp((const char *)a + r->offset, (const char *)b + r->offset,
                       arch_field_size(r)) != 0)
                ck_abort_msg("field %s.%s differs", bl[i].key, r->key);
        }
    ck_assert_mem_eq(&a->drng.clk_ns, &b->drng.clk_ns, sizeof(double));
}

/* The schema defaults, built from the tables alone (no YAML involved). */
static void schema_defaults(arch_t *a)
{
    size_t nb;
    const arch_block_t *bl = arch_blocks(&nb);
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < nb; i++)
        ydoc_defaults(bl[i].fields, bl[i].n_fields, a);
    a->version = 1;
    a->drng.clk_ns = 1000.0 / a->clk_mhz;
}

static int load(const char *text, arch_t *a, arch_diag_list_t *dl)
{
    arch_diag_init(dl);
    return arch_load_string("a.yaml", text, strlen(text), a, dl);
}

static const char *line_of(const arch_diag_list_t *dl, uint32_t i)
{
    static char buf[1024];
    ck_assert_uint_gt(dl->n, i);
    arch_diag_format(&dl->d[i], buf, sizeof buf);
    return buf;
}

/* Every key set to a value different from its default (and consistent across fields). */
static const char every_key[] =
    "version: 1\n"
    "name: \"every key\"\n"
    "clock: {clk_mhz: 500}\n"
    "chip: {tiles: 77, mapping: 2}\n"
    "xbar: {rows: 256, cols: 64, max_active_rows: 16, t_read_cyc: 3, t_write_cyc: 7,\n"
    "       v_read_v: 0.2, r_p_kohm: 3, tmr: 1, r_access_kohm: 2, c_gate_ff: 0.3,\n"
    "       c_wire_ff_per_um: 0.25, feature_nm: 28, cell_w_f: 6, cell_h_f: 5}\n"
    "wldec: {t_decode_cyc: 4, v_wl_v: 1.1, a_driver_um2: 3, p_driver_nw: 4}\n"
    "senseamp: {cols_per_sa: 4, psum_bits: 9, t_sense_cyc: 2, sample_hold: true,\n"
    "           fom_fj: 7, v_dd_v: 1.2, c_mux_ff: 0.4, c_sh_ff: 6, a_sa_um2: 31,\n"
    "           a_lsb_um2: 3, a_mux_um2: 0.7, a_sh_um2: 6, p_sa_uw: 2}\n"
    "gbuf: {words: 100, word_bits: 128, t_read_cyc: 2, t_write_cyc: 3, line_bits: 77}\n"
    "scale_buf: {words: 50, word_bits: 32, t_read_cyc: 4, t_write_cyc: 5}\n"
    "dropout: {impl: scaledrop, share: 4, t_set_cyc: 3, t_sense_cyc: 2, t_reset_cyc: 4,\n"
    "          tau0_ns: 0.5, delta: 45, ic0_ua: 120, sigma_ic0_rel: 0.1, sigma_p: 0.03,\n"
    "          i_max_ua: 300, model: precessional, tau_d_ns: 0.5, v_dd_v: 1.1,\n"
    "          i_read_ua: 40, reset_wer: 1e-5, reset_on_switch: false, p_static_uw: 2,\n"
    "          trim_bits: 6, trim_range_rel: 0.25, cal_samples: 100, a_module_um2: 12,\n"
    "          a_trim_unit_um2: 0.7, a_trim_bit_um2: 5}\n"
    "arbiter: {k: 8, t_bit_cyc: 9}\n"
    "bayes: {whole_model: true, adaptive_p: true, scale_bits: 16, param_bits: 6,\n"
    "        mtjs_per_cell: 7, sample_bits: 5}\n"
    "scenario: {bayes_layers: list, bayes_last: 3, bayes_list: \"fc1,fc2\",\n"
    "           conv_mask: activation, scale_apply: multiply}\n"
    "bus: {width_bits: 512, t_hop_cyc: 0}\n"
    "periph: {lanes: 64, t_add_cyc: 2, t_act_cyc: 3, t_pool_cyc: 4, t_mul_cyc: 5,\n"
    "         thresh_bits: 12, resident_bits: 999}\n"
    "tech: {node_nm: 32}\n"
    "energy:\n"
    "  e_xbar_cell_read_pj: 1.01\n  e_xbar_cell_write_pj: 1.02\n  e_wldec_decode_pj: 1.03\n"
    "  e_sa_sense_pj: 1.04\n  e_drng_set_pj: 1.05\n  e_drng_sense_pj: 1.06\n"
    "  e_drng_reset_pj: 1.07\n  e_arb_bit_pj: 1.08\n  e_sbuf_read_bit_pj: 1.09\n"
    "  e_sbuf_write_bit_pj: 1.1\n  e_add_pj: 1.11\n  e_act_pj: 1.12\n  e_pool_pj: 1.13\n"
    "  e_mul_pj: 1.14\n  e_bus_bit_pj: 0.000123\n  e_wldec_wl_charge_pj: 1.15\n"
    "  e_sa_mux_pj: 1.16\n  e_sa_sample_pj: 1.17\n  e_lbuf_read_bit_pj: 1.18\n"
    "  e_scale_read_bit_pj: 1.19\n  e_scale_write_bit_pj: 1.2\n";

/* ---- Core ---- */

START_TEST(test_arch_default_is_the_schema_defaults)
{
    arch_t a, want;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    ck_assert_uint_eq(dl.n, 0);
    schema_defaults(&want);
    assert_same_fields(&a, &want);
    /* A few values straight from the brief, independent of the tables. */
    ck_assert_uint_eq(a.tile.xbar.rows, 128);
    ck_assert_uint_eq(a.tile.sa.psum_bits, 6);
    ck_assert_uint_eq(a.dropout_impl, ARCH_DROPOUT_SPINDROP);
    /* SET + sense + RESET of the dropout MTJ from the supply at p = 0.5, derived (-1 in
     * configs/default.yaml): 0.9 V x (158.817 uA x 10 ns + 35 uA x 1 ns + 291.222 uA x
     * 10 ns x 0.5) = 1.42935 + 0.0315 + 1.3105 = 2.77135 pJ (currents rounded to 1 nA) */
    ck_assert(a.energy_cfg.e_pj[ACT_ARB_BIT] == -1.0);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_ARB_BIT], 2.77135, 5e-5);
    ck_assert_uint_eq(a.drng.model, DRNG_MODEL_PRECESSIONAL);
    ck_assert(a.drng.clk_ns == 1.0);
    ck_assert_str_eq(a.name, "spindrop-default");
    /* The keys the schemes added, with the defaults the brief gives. */
    ck_assert(a.drng.sigma_p == 0.0);
    ck_assert_uint_eq(a.periph.t_mul_cyc, 1);
    ck_assert(a.energy.e_pj[ACT_MUL] == 0.2);
    ck_assert_uint_eq(a.bayes.whole_model, 0);
    ck_assert_uint_eq(a.bayes.adaptive_p, 0);
    ck_assert_uint_eq(a.bayes.scale_bits, 8);
    ck_assert_uint_eq(a.bayes.param_bits, 4);
    ck_assert_uint_eq(a.bayes.mtjs_per_cell, 3);
    ck_assert_uint_eq(a.bayes.sample_bits, 4);
}
END_TEST

START_TEST(test_arch_version_alone_is_the_default)
{
    arch_t a, def;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\n", &a, &dl), ST_OK);
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&def, &dl), ST_OK);
    assert_same_fields(&a, &def);
}
END_TEST

START_TEST(test_arch_every_key_lands_in_its_field)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load(every_key, &a, &dl), ST_OK);
    ck_assert_uint_eq(a.version, 1);
    ck_assert_str_eq(a.name, "every key");
    ck_assert(a.clk_mhz == 500.0);
    ck_assert(a.drng.clk_ns == 2.0);
    ck_assert(arch_clk_ns(&a) == 2.0);
    ck_assert_uint_eq(a.tiles, 77);
    ck_assert_uint_eq(a.mapping, 2);
    ck_assert_uint_eq(a.tile.xbar.rows, 256);
    ck_assert_uint_eq(a.tile.xbar.cols, 64);
    ck_assert_uint_eq(a.tile.xbar.max_active_rows, 16);
    ck_assert_uint_eq(a.tile.xbar.t_read_cyc, 3);
    ck_assert_uint_eq(a.tile.xbar.t_write_cyc, 7);
    ck_assert_uint_eq(a.tile.wldec.t_decode_cyc, 4);
    ck_assert_uint_eq(a.tile.sa.cols_per_sa, 4);
    ck_assert_uint_eq(a.tile.sa.psum_bits, 9);
    ck_assert_uint_eq(a.tile.sa.t_sense_cyc, 2);
    ck_assert_uint_eq(a.gbuf.words, 100);
    ck_assert_uint_eq(a.gbuf.word_bits, 128);
    ck_assert_uint_eq(a.gbuf.t_read_cyc, 2);
    ck_assert_uint_eq(a.gbuf.t_write_cyc, 3);
    ck_assert_uint_eq(a.gbuf.line_bits, 77);
    ck_assert_uint_eq(a.scale_buf.words, 50);
    ck_assert_uint_eq(a.scale_buf.word_bits, 32);
    ck_assert_uint_eq(a.scale_buf.t_read_cyc, 4);
    ck_assert_uint_eq(a.scale_buf.t_write_cyc, 5);
    ck_assert_uint_eq(a.dropout_impl, ARCH_DROPOUT_SCALEDROP);
    ck_assert_uint_eq(a.drng.share, 4);
    ck_assert_uint_eq(a.scenario.bayes_layers, ARCH_BAYES_LIST);
    ck_assert_uint_eq(a.scenario.bayes_last, 3);
    ck_assert_str_eq(a.scenario.bayes_list, "fc1,fc2");
    ck_assert_uint_eq(a.scenario.conv_mask, ARCH_CONV_MASK_ACTIVATION);
    ck_assert_uint_eq(a.scenario.scale_apply, ARCH_SCALE_MULTIPLY);
    ck_assert_uint_eq(a.drng.t_set_cyc, 3);
    ck_assert_uint_eq(a.drng.t_sense_cyc, 2);
    ck_assert_uint_eq(a.drng.t_reset_cyc, 4);
    ck_assert(a.drng.tau0_ns == 0.5);
    ck_assert(a.drng.delta == 45.0);
    ck_assert(a.drng.ic0_ua == 120.0);
    ck_assert(a.drng.sigma_ic0_rel == 0.1);
    ck_assert(a.drng.sigma_p == 0.03);
    ck_assert(a.drng.i_max_ua == 300.0);
    ck_assert_uint_eq(a.drng.model, DRNG_MODEL_PRECESSIONAL);
    ck_assert(a.drng.tau_d_ns == 0.5);
    ck_assert(a.drng.v_dd_v == 1.1);
    ck_assert(a.drng.i_read_ua == 40.0);
    ck_assert(a.drng.reset_wer == 1e-5);
    ck_assert_uint_eq(a.drng.reset_on_switch, 0);
    ck_assert(a.drng.p_static_uw == 2.0);
    ck_assert_uint_eq(a.drng.trim_bits, 6);
    ck_assert(a.drng.trim_range_rel == 0.25);
    ck_assert_uint_eq(a.drng.cal_samples, 100);
    ck_assert(a.drng.a_module_um2 == 12.0);
    ck_assert(a.drng.a_trim_unit_um2 == 0.7);
    ck_assert(a.drng.a_trim_bit_um2 == 5.0);
    ck_assert_uint_eq(a.arb.k, 8);
    ck_assert_uint_eq(a.arb.t_bit_cyc, 9);
    ck_assert_uint_eq(a.bayes.whole_model, 1);
    ck_assert_uint_eq(a.bayes.adaptive_p, 1);
    ck_assert_uint_eq(a.bayes.scale_bits, 16);
    ck_assert_uint_eq(a.bayes.param_bits, 6);
    ck_assert_uint_eq(a.bayes.mtjs_per_cell, 7);
    ck_assert_uint_eq(a.bayes.sample_bits, 5);
    ck_assert_uint_eq(a.bus.width_bits, 512);
    ck_assert_uint_eq(a.bus.t_hop_cyc, 0);
    ck_assert_uint_eq(a.periph.lanes, 64);
    ck_assert_uint_eq(a.periph.t_add_cyc, 2);
    ck_assert_uint_eq(a.periph.t_act_cyc, 3);
    ck_assert_uint_eq(a.periph.t_pool_cyc, 4);
    ck_assert_uint_eq(a.periph.t_mul_cyc, 5);
    ck_assert_uint_eq(a.periph.thresh_bits, 12);
    ck_assert_uint_eq(a.periph.resident_bits, 999);
    ck_assert_double_eq(a.tech.node_nm, 32.0);
    static const double e[ACT_COUNT] = {1.01,     1.02, 1.03, 1.04, 1.05, 1.06, 1.07,
                                        1.08,     1.09, 1.1,  1.11, 1.12, 1.13, 1.14,
                                        0.000123, 1.15, 1.16, 1.17, 1.18, 1.19, 1.2};
    for (int i = 0; i < ACT_COUNT; i++)
        ck_assert_msg(a.energy.e_pj[i] == e[i], "energy %d", i);
}
END_TEST

/* SRAM energies are derived from each buffer's capacity at tech.node_nm (sbuf_e_bit_pj):
 * the default global buffer, 16384 x 64 bits = 128 KB, 0.594892 pJ at 45 nm; the scale
 * buffer, 1024 x 64 = 8 KB, 0.15625.  At 22.5 nm both halve, areas scale by 0.25 and
 * leakage by 0.5; a given value is kept as given. */
START_TEST(test_arch_sram_energy_follows_capacity_and_node)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\n", &a, &dl), ST_OK);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SBUF_READ_BIT], 0.594892, 1e-6);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SBUF_WRITE_BIT], 0.594892, 1e-6);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SCALE_READ_BIT], 0.15625, 1e-12);
    ck_assert_double_eq_tol(arch_cmos_area_scale(&a), 1.0, 1e-12);
    ck_assert_int_eq(
        load("version: 1\ntech: {node_nm: 22.5}\nenergy: {e_scale_write_bit_pj: 0.3}\n", &a, &dl),
        ST_OK);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SBUF_READ_BIT], 0.297446, 1e-6);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SCALE_READ_BIT], 0.078125, 1e-12);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SCALE_WRITE_BIT], 0.3, 1e-12);
    ck_assert_double_eq_tol(arch_cmos_area_scale(&a), 0.25, 1e-12);
    ck_assert_double_eq_tol(arch_cmos_leak_scale(&a), 0.5, 1e-12);
    ck_assert_int_eq(load("version: 1\ntech: {node_nm: 14}\n", &a, &dl), ST_ECONFIG);
}
END_TEST

START_TEST(test_arch_energy_keys_are_the_action_keys)
{
    size_t nb;
    const arch_block_t *bl = arch_blocks(&nb);
    const arch_block_t *en = &bl[nb - 1];
    ck_assert_str_eq(en->key, "energy");
    ck_assert_uint_eq(en->n_fields, ACT_COUNT);
    for (int i = 0; i < ACT_COUNT; i++) {
        ck_assert_str_eq(en->fields[i].key, act_desc((act_t)i)->key);
        ck_assert_uint_eq(en->fields[i].offset,
                          offsetof(arch_t, energy_cfg.e_pj[0]) + (size_t)i * sizeof(double));
        ck_assert_str_eq(en->fields[i].unit, "pJ");
    }
}
END_TEST

START_TEST(test_arch_schema_rows_are_consistent)
{
    size_t nb, total = 0;
    const arch_block_t *bl = arch_blocks(&nb);
    static const char *const want_blocks[] = {
        "",          "clock",     "chip",    "xbar",    "wldec", "senseamp",
        "gbuf",      "scale_buf", "dropout", "arbiter", "bayes", "scenario",
        "variation", "bus",       "periph",  "tech",    "energy"};
    ck_assert_uint_eq(nb, sizeof want_blocks / sizeof want_blocks[0]);
    unsigned char used[sizeof(arch_t)] = {0};
    for (size_t i = 0; i < nb; i++) {
        ck_assert_str_eq(bl[i].key, want_blocks[i]);
        ck_assert_uint_gt(strlen(bl[i].desc), 0);
        for (size_t j = 0; j < bl[i].n_fields; j++) {
            const yfield_t *r = &bl[i].fields[j];
            total++;
            ck_assert_uint_le(r->offset + arch_field_size(r), sizeof(arch_t));
            for (size_t k = 0; k < arch_field_size(r); k++) {
                ck_assert_msg(!used[r->offset + k], "%s.%s overlaps another field", bl[i].key,
                              r->key);
                used[r->offset + k] = 1;
            }
            for (size_t k = 0; k < j; k++)
                ck_assert_str_ne(bl[i].fields[k].key, r->key);
            ck_assert_uint_gt(strlen(r->desc), 0);
            ck_assert_uint_gt(strlen(r->unit), 0);
            ck_assert_int_eq(r->required, strcmp(r->key, "version") == 0);
            if ((r->type == YF_U32 || r->type == YF_F64) && !r->required)
                ck_assert_msg(r->min <= r->def && r->def <= r->max, "%s.%s default out of range",
                              bl[i].key, r->key);
        }
    }
    ck_assert_uint_eq(total,
                      2 + 1 + 6 + 14 + 4 + 14 + 5 + 4 + 24 + 2 + 6 + 5 + 3 + 3 + 7 + 1 + ACT_COUNT);
}
END_TEST

/* Loads text, dumps it, reloads the dump: both must hold the same values. */
static void assert_round_trip(const char *text)
{
    arch_t a, b;
    arch_diag_list_t dl;
    ck_assert_int_eq(load(text, &a, &dl), ST_OK);
    char *dump = arch_dump_string(&a);
    ck_assert_ptr_nonnull(dump);
    ck_assert_msg(load(dump, &b, &dl) == ST_OK, "dump does not reload: %s", line_of(&dl, 0));
    assert_same_fields(&a, &b);
    free(dump);
}

START_TEST(test_arch_dump_round_trips_default)
{
    assert_round_trip(arch_default_text());
}
END_TEST

START_TEST(test_arch_dump_round_trips_every_key)
{
    assert_round_trip(every_key);
}
END_TEST

START_TEST(test_arch_dump_round_trips_awkward_values)
{
    /* Values with no short decimal form, and a name YAML would misread unquoted. */
    assert_round_trip("version: 1\nname: '# not: a comment'\n"
                      "energy: {e_add_pj: 0.30000000000000004, e_act_pj: 3.3333333333333335e-05}\n"
                      "dropout: {impl: none, sigma_ic0_rel: 0.1234567890123}\n");
}
END_TEST

START_TEST(test_arch_dump_string_matches_dump_yaml)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load(every_key, &a, &dl), ST_OK);
    char *s = arch_dump_string(&a);
    ck_assert_ptr_nonnull(s);
    FILE *f = tmpfile();
    ck_assert_int_eq(arch_dump_yaml(&a, f), ST_OK);
    long n = ftell(f);
    ck_assert_int_eq(n, (long)strlen(s));
    char *t = calloc(1, (size_t)n + 1);
    rewind(f);
    ck_assert_uint_eq(fread(t, 1, (size_t)n, f), (size_t)n);
    ck_assert_str_eq(t, s);
    ck_assert_ptr_nonnull(strstr(s, "\nversion: 1\nname: \"every key\"\nclock:\n  clk_mhz: 500\n"));
    ck_assert_ptr_nonnull(strstr(s, "\ndropout:\n  impl: scaledrop\n  share: 4\n"));
    ck_assert_ptr_nonnull(strstr(s, "\nbayes:\n  whole_model: true\n  adaptive_p: true\n"));
    free(t);
    free(s);
    fclose(f);
}
END_TEST

START_TEST(test_arch_list_params_has_a_row_per_key)
{
    FILE *f = tmpfile();
    ck_assert_int_eq(arch_list_params(f), ST_OK);
    long n = ftell(f);
    char *t = calloc(1, (size_t)n + 1);
    rewind(f);
    ck_assert_uint_eq(fread(t, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    size_t rows = 0, heads = 0;
    for (char *p = t; (p = strstr(p, "\n| `")) != NULL; p++)
        rows++;
    for (char *p = t; (p = strstr(p, "### ")) != NULL; p++)
        heads++;
    ck_assert_uint_eq(rows,
                      2 + 1 + 6 + 14 + 4 + 14 + 5 + 4 + 24 + 2 + 6 + 5 + 3 + 3 + 7 + 1 + ACT_COUNT);
    ck_assert_uint_eq(heads, 17);
    ck_assert_ptr_nonnull(
        strstr(t, "\n| `rows` | integer | 128 | 1 | 4096 | row | word-line pairs (weights per "
                  "column) |\n"));
    ck_assert_ptr_nonnull(strstr(t, "\n| `version` | integer | required | 1 | 1 | - |"));
    ck_assert_ptr_nonnull(strstr(t, "\n| `impl` | enum | spindrop | - | - | - | the Bayesian "
                                    "scheme and its stochastic hardware (docs/schemes.md): one "
                                    "of `none`, `spindrop`, `mc_dropout`, `mc_dropconnect`, "
                                    "`spatial_spindrop`, `scaledrop`, `affine_dropout`, "
                                    "`subset_vi`, `spinbayes` |\n"));
    ck_assert_ptr_nonnull(strstr(t, "\n| `whole_model` | bool | false | - | - | - |"));
    ck_assert_ptr_nonnull(strstr(t, "\n| `mtjs_per_cell` | integer | 3 | 1 | 15 | MTJ |"));
    /* -1: derived from the circuit parameters (models/xbar.h) unless given */
    ck_assert_ptr_nonnull(strstr(t, "\n| `e_xbar_cell_read_pj` | number | -1 | -1 | 1000000 | "
                                    "pJ |"));
    free(t);
}
END_TEST

/* ---- Cross-field checks ---- */

START_TEST(test_arch_psum_bits_must_hold_a_count_of_max_active_rows)
{
    arch_t a;
    arch_diag_list_t dl;
    /* 63 rows fit in 6 bits, 64 need 7: probe both sides of the power of two. */
    ck_assert_int_eq(load("version: 1\nxbar: {rows: 128, max_active_rows: 63}\n", &a, &dl), ST_OK);
    ck_assert_int_eq(load("version: 1\nxbar:\n  max_active_rows: 64\n", &a, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    /* psum_bits is not in the document, so the report sits at max_active_rows. */
    ck_assert_str_eq(line_of(&dl, 0),
                     "a.yaml:3:20: error: senseamp.psum_bits: expected at least 7 to hold a count "
                     "of up to 64 rows (xbar.max_active_rows), got 6 (senseamp.saturate: true "
                     "lets it clip)");
    ck_assert_int_eq(
        load("version: 1\nxbar: {rows: 4096, max_active_rows: 4096}\nsenseamp: {psum_bits: 13}\n",
             &a, &dl),
        ST_OK);
    ck_assert_int_eq(
        load("version: 1\nxbar: {max_active_rows: 1}\nsenseamp: {psum_bits: 1}\n", &a, &dl), ST_OK);
}
END_TEST

START_TEST(test_arch_max_active_rows_at_most_rows)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\nxbar: {rows: 32}\n", &a, &dl), ST_OK);
    ck_assert_int_eq(load("version: 1\nxbar: {rows: 31}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:2:14: error: xbar.max_active_rows: expected at most "
                                      "31 (xbar.rows), got 32");
}
END_TEST

START_TEST(test_arch_cols_per_sa_at_most_cols)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\nxbar: {cols: 8}\n", &a, &dl), ST_OK);
    ck_assert_int_eq(load("version: 1\nsenseamp: {cols_per_sa: 129}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:2:25: error: senseamp.cols_per_sa: expected at most "
                                      "128 (xbar.cols), got 129");
}
END_TEST

START_TEST(test_arch_spindrop_driver_must_reach_half)
{
    arch_t a;
    arch_diag_list_t dl;
    /* Precessional at p = 0.5, t = 10 ns, tau_d = 1.79 ns, delta = 40, Ic0 = 110 uA:
     * I = 110 * (1 + 1.79 / 20 * ln(pi^2 * 40 / (4 ln 2))) = 110 * (1 + 0.0895 * 4.958594)
     * = 158.817 uA.  A 100 ns RESET needs 110 * (1 + 1.79 / 200 * ln(98.696 / 1e-6)) =
     * 128.12 uA, so only the SET limit is at stake. */
    ck_assert_int_eq(load("version: 1\ndropout: {i_max_ua: 158.9, t_reset_cyc: 100}\n", &a, &dl),
                     ST_OK);
    ck_assert_int_eq(load("version: 1\ndropout: {i_max_ua: 158.8, t_reset_cyc: 100}\n", &a, &dl),
                     ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0),
                     "a.yaml:2:21: error: dropout.i_max_ua: a driver limit of 158.8 uA cannot "
                     "switch with p = 0.5 in a 10 ns SET pulse, which needs 158.817 uA");
    /* Without dropout hardware the driver is not checked. */
    ck_assert_int_eq(load("version: 1\ndropout: {impl: none, i_max_ua: 1}\n", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.dropout_impl, ARCH_DROPOUT_NONE);
    /* Thermal: a 1 ms pulse at delta 1 switches more than half the time with no current. */
    ck_assert_int_eq(load("version: 1\nclock: {clk_mhz: 1}\n"
                          "dropout: {t_set_cyc: 1000, delta: 1, model: thermal}\n",
                          &a, &dl),
                     ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0),
                     "a.yaml:3:22: error: dropout.i_max_ua: no SET current can switch with p = 0.5 "
                     "in a 1e+06 ns pulse: the pulse alone switches the MTJ more often");
}
END_TEST

START_TEST(test_arch_check_without_yaml_names_the_source)
{
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    ck_assert_int_eq(arch_check(&a, "<cmdline>", &dl), ST_OK);
    a.tile.sa.psum_bits = 4;
    a.tile.sa.cols_per_sa = 256;
    ck_assert_int_eq(arch_check(&a, "<cmdline>", &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 2);
    ck_assert_str_eq(line_of(&dl, 0), "<cmdline>: error: senseamp.psum_bits: expected at least 6 "
                                      "to hold a count of up to 32 rows (xbar.max_active_rows), "
                                      "got 4 (senseamp.saturate: true lets it clip)");
    ck_assert_str_eq(line_of(&dl, 1), "<cmdline>: error: senseamp.cols_per_sa: expected at most "
                                      "128 (xbar.cols), got 256");
}
END_TEST

START_TEST(test_arch_check_saturate_lifts_the_psum_width_rule)
{
    /* 4 bits hold counts 0..15; 32 rows read at once need 6 (0..32).  With saturate the
     * narrow converter is a study, not an error; the column rule still holds. */
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    ck_assert_uint_eq(a.tile.xbar.max_active_rows, 32);
    a.tile.sa.psum_bits = 4;
    a.tile.sa.saturate = 1;
    ck_assert_int_eq(arch_check(&a, "<cmdline>", &dl), ST_OK);
    ck_assert_uint_eq(dl.n, 0);
    a.tile.sa.cols_per_sa = 256;
    ck_assert_int_eq(arch_check(&a, "<cmdline>", &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
}
END_TEST

START_TEST(test_arch_check_uses_the_clock_not_a_stale_clk_ns)
{
    /* At 4 GHz the 10-cycle SET pulse is 2.5 ns and needs 110 * (1 + 1.79 / 5 * 4.958594) =
     * 305.268 uA; the stale 1 ns clock would give 158.817 uA and pass. */
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    a.clk_mhz = 4000;
    a.drng.i_max_ua = 300;
    ck_assert_int_eq(arch_check(&a, "x", &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "x: error: dropout.i_max_ua: a driver limit of 300 uA "
                                      "cannot switch with p = 0.5 in a 2.5 ns SET pulse, which "
                                      "needs 305.268 uA");
}
END_TEST

/* A 3-MTJ cell stores 2 bits (levels 0..3); 32 active rows sum to 96, which needs
 * ceil(log2 97) = 7 bits, one more than the binary count of 32 rows (6). */
START_TEST(test_arch_mlc_partial_sum_needs_enough_bits)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\ndropout: {impl: spinbayes}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0),
                     "a.yaml:2:17: error: senseamp.psum_bits: expected at least 7 to hold a "
                     "partial sum of up to 96 under spinbayes (xbar.max_active_rows 32 x level "
                     "3 of a 3-MTJ multi-level cell, bayes.mtjs_per_cell), got 6");
    ck_assert_int_eq(
        load("version: 1\ndropout: {impl: subset_vi}\nsenseamp: {psum_bits: 7}\n", &a, &dl), ST_OK);
    /* 7 MTJs: 3 bits, level 7; 32 x 7 = 224 needs 8 bits */
    ck_assert_int_eq(load("version: 1\ndropout: {impl: subset_vi}\nsenseamp: {psum_bits: 7}\n"
                          "bayes: {mtjs_per_cell: 7}\n",
                          &a, &dl),
                     ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].path, "senseamp.psum_bits");
    /* binary schemes keep the plain count: 6 bits */
    ck_assert_int_eq(load("version: 1\ndropout: {impl: spindrop}\n", &a, &dl), ST_OK);
}
END_TEST

START_TEST(test_arch_derived_energy_follows_the_circuit_and_overrides)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\n", &a, &dl), ST_OK);
    ck_assert_double_eq(a.energy_cfg.e_pj[ACT_XBAR_CELL_READ], -1);
    /* 0.1^2 x (1/3 + 1/6) / 2 mS x 1 ns = 0.0025 pJ; 10 fJ x 2^6 = 0.64 pJ */
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_XBAR_CELL_READ], 0.0025, 1e-12);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SA_SENSE], 0.64, 1e-12);
    /* an override of a circuit key re-derives: R_P 4 -> (1/5 + 1/11) / 2 x 0.01 */
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_override(&a, "xbar.r_p_kohm", "4", &dl), ST_OK);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_XBAR_CELL_READ], 0.01 * (0.2 + 1.0 / 11) / 2, 1e-12);
    ck_assert_int_eq(arch_override(&a, "senseamp.psum_bits", "8", &dl), ST_OK);
    ck_assert_double_eq_tol(a.energy.e_pj[ACT_SA_SENSE], 2.56, 1e-12); /* 10 x 256 fJ */
    /* a given figure replaces the derivation */
    ck_assert_int_eq(load("version: 1\nenergy: {e_sa_sense_pj: 0.3}\n", &a, &dl), ST_OK);
    ck_assert_double_eq(a.energy.e_pj[ACT_SA_SENSE], 0.3);
    /* a negative figure other than -1 is refused */
    ck_assert_int_eq(load("version: 1\nenergy: {e_sa_mux_pj: -0.5}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:2:23: error: energy.e_sa_mux_pj: expected -1 "
                                      "(derive from the circuit) or a value >= 0, got -0.5");
}
END_TEST

/* ---- Schemes and built-ins ---- */

START_TEST(test_arch_dropout_names_in_enum_order_and_each_loads)
{
    /* The YAML names, written out from the brief, in arch_dropout_t order. */
    static const char *const want[] = {"none",           "spindrop",         "mc_dropout",
                                       "mc_dropconnect", "spatial_spindrop", "scaledrop",
                                       "affine_dropout", "subset_vi",        "spinbayes"};
    ck_assert_uint_eq(ARCH_DROPOUT_SPINBAYES + 1, 9);
    ck_assert_uint_eq(ARCH_DROPOUT_SPATIAL, 4);
    for (uint32_t i = 0; i < 9; i++) {
        char text[128];
        arch_t a;
        arch_diag_list_t dl;
        ck_assert_str_eq(arch_dropout_name(i), want[i]);
        /* subset_vi and spinbayes read 3-MTJ cells: 32 rows x level 3 needs 7 bits */
        snprintf(text, sizeof text, "version: 1\ndropout: {impl: %s}\nsenseamp: {psum_bits: 7}\n",
                 want[i]);
        ck_assert_int_eq(load(text, &a, &dl), ST_OK);
        ck_assert_uint_eq(a.dropout_impl, i);
    }
    ck_assert_str_eq(arch_dropout_name(9), "?");
    ck_assert_str_eq(arch_dropout_name(UINT32_MAX), "?");
}
END_TEST

START_TEST(test_arch_unknown_dropout_impl_lists_all_nine)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\ndropout: {impl: spin_bayes}\n", &a, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(line_of(&dl, 0),
                     "a.yaml:2:17: error: dropout.impl: expected one of none, spindrop, "
                     "mc_dropout, mc_dropconnect, spatial_spindrop, scaledrop, affine_dropout, "
                     "subset_vi or spinbayes, got \"spin_bayes\"");
}
END_TEST

START_TEST(test_arch_bayes_keys_are_range_checked)
{
    arch_t a;
    arch_diag_list_t dl;
    /* Inclusive bounds from the brief: scale_bits [1, 32], param_bits [1, 16],
     * mtjs_per_cell [1, 15], sample_bits [1, 32], sigma_p [0, 0.5], t_mul_cyc [1, 1000]. */
    ck_assert_int_eq(load("version: 1\nbayes: {scale_bits: 32, param_bits: 16, mtjs_per_cell: "
                          "15, sample_bits: 32}\ndropout: {sigma_p: 0.5}\n"
                          "periph: {t_mul_cyc: 1000}\n",
                          &a, &dl),
                     ST_OK);
    ck_assert_int_eq(load("version: 1\nbayes: {mtjs_per_cell: 16}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:2:24: error: bayes.mtjs_per_cell: must be between "
                                      "1 and 15 inclusive, got 16");
    ck_assert_int_eq(load("version: 1\nbayes: {param_bits: 0}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:2:21: error: bayes.param_bits: must be between 1 "
                                      "and 16 inclusive, got 0");
    ck_assert_int_eq(load("version: 1\ndropout: {sigma_p: 0.6}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:2:20: error: dropout.sigma_p: must be between 0 "
                                      "and 0.5 inclusive, got 0.6");
    ck_assert_int_eq(load("version: 1\nbayes: {whole_model: 1}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:2:22: error: bayes.whole_model: expected true or "
                                      "false, got \"1\"");
}
END_TEST

START_TEST(test_arch_mlc_bits_is_floor_log2_of_levels)
{
    /* m MTJs give m + 1 levels: 1 -> 2 levels (1 bit), 2 -> 3 (1), 3 -> 4 (2), 7 -> 8 (3),
     * 15 -> 16 (4); in between: 4..6 -> 5..7 levels (2), 8 -> 9 (3); 0 -> at least 1. */
    ck_assert_uint_eq(arch_mlc_bits(1), 1);
    ck_assert_uint_eq(arch_mlc_bits(2), 1);
    ck_assert_uint_eq(arch_mlc_bits(3), 2);
    ck_assert_uint_eq(arch_mlc_bits(7), 3);
    ck_assert_uint_eq(arch_mlc_bits(15), 4);
    ck_assert_uint_eq(arch_mlc_bits(4), 2);
    ck_assert_uint_eq(arch_mlc_bits(6), 2);
    ck_assert_uint_eq(arch_mlc_bits(8), 3);
    ck_assert_uint_eq(arch_mlc_bits(0), 1);
    ck_assert_uint_eq(arch_mlc_bits(UINT32_MAX), 32);
}
END_TEST

/* Every scheme with stochastic MTJs draws at p = 0.5 somewhere, so the driver check
 * (107.086 uA needed, see test_arch_spindrop_driver_must_reach_half) applies to all
 * eight; none alone skips it. */
START_TEST(test_arch_driver_checked_under_every_stochastic_scheme)
{
    for (uint32_t i = 1; i < 9; i++) {
        char text[128];
        arch_t a;
        arch_diag_list_t dl;
        snprintf(text, sizeof text,
                 "version: 1\ndropout: {impl: %s, i_max_ua: 107}\nsenseamp: {psum_bits: 7}\n",
                 arch_dropout_name(i));
        ck_assert_msg(load(text, &a, &dl) == ST_ECONFIG, "%s", arch_dropout_name(i));
        ck_assert_str_eq(dl.d[0].path, "dropout.i_max_ua");
    }
}
END_TEST

START_TEST(test_arch_builtins_are_default_then_the_schemes_in_order)
{
    static const char *const want[] = {
        "default",   "spindrop",  "spatial-spindrop", "scaledrop",      "affine-dropout",
        "subset-vi", "spinbayes", "mc-dropout",       "mc-dropconnect", "deterministic"};
    ck_assert_uint_eq(arch_builtin_count(), 10);
    for (size_t i = 0; i < 10; i++) {
        ck_assert_str_eq(arch_builtin_name(i), want[i]);
        ck_assert_ptr_nonnull(strstr(arch_builtin_text(i), "version: 1\n"));
    }
    ck_assert_str_eq(arch_builtin_text(0), arch_default_text());
    ck_assert_ptr_null(arch_builtin_name(10));
    ck_assert_ptr_null(arch_builtin_text(10));
}
END_TEST

/* "block.key,block.key,…" of the schema fields in which a differs from b. */
static void differing_keys(const arch_t *a, const arch_t *b, char *out, size_t n)
{
    size_t nb, used = 0;
    const arch_block_t *bl = arch_blocks(&nb);
    out[0] = '\0';
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < bl[i].n_fields; j++) {
            const yfield_t *r = &bl[i].fields[j];
            if (memcmp((const char *)a + r->offset, (const char *)b + r->offset,
                       arch_field_size(r)) != 0)
                used += (size_t)snprintf(out + used, n - used, "%s%s%s%s", used ? "," : "",
                                         bl[i].key, bl[i].key[0] ? "." : "", r->key);
        }
}

/* Each built-in loads through arch_load, and a scheme's file differs from the default
 * only in its name, its dropout.impl and its own parameters (the brief's list; keys that
 * restate a default, like spinbayes' arbiter.k 4, do not differ).  SpinBayes also has more
 * tiles: its k copies of every Bayesian layer are its hardware. */
START_TEST(test_arch_load_each_builtin_differs_only_in_its_scheme)
{
    static const struct {
        const char *name;
        uint32_t impl;
        const char *differs;
    } want[] = {
        {"default", ARCH_DROPOUT_SPINDROP, ""},
        {"spindrop", ARCH_DROPOUT_SPINDROP, "name"},
        {"spatial-spindrop", ARCH_DROPOUT_SPATIAL, "name,dropout.impl"},
        {"scaledrop", ARCH_DROPOUT_SCALEDROP, "name,dropout.impl,dropout.sigma_p"},
        {"affine-dropout", ARCH_DROPOUT_AFFINE, "name,dropout.impl"},
        {"subset-vi", ARCH_DROPOUT_SUBSET_VI, "name,senseamp.psum_bits,dropout.impl"},
        {"spinbayes", ARCH_DROPOUT_SPINBAYES,
         "name,chip.tiles,senseamp.psum_bits,dropout.impl,bayes.param_bits"},
        {"mc-dropout", ARCH_DROPOUT_MC_DROPOUT, "name,dropout.impl"},
        {"mc-dropconnect", ARCH_DROPOUT_MC_DROPCONNECT, "name,dropout.impl"},
        {"deterministic", ARCH_DROPOUT_NONE, "name,dropout.impl"},
    };
    arch_t def;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&def, &dl), ST_OK);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        arch_t a;
        char diff[512];
        arch_diag_init(&dl);
        ck_assert_msg(arch_load(want[i].name, &a, &dl) == ST_OK, "%s", want[i].name);
        ck_assert_uint_eq(dl.n, 0);
        ck_assert_uint_eq(a.dropout_impl, want[i].impl);
        ck_assert_str_eq(a.name, i == 0 ? "spindrop-default" : want[i].name);
        differing_keys(&a, &def, diff, sizeof diff);
        ck_assert_msg(strcmp(diff, want[i].differs) == 0, "%s differs in %s, expected %s",
                      want[i].name, diff, want[i].differs);
    }
    /* The scheme parameters the brief names, read back. */
    arch_t a;
    ck_assert_int_eq(arch_load("spinbayes", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.arb.k, 4);
    ck_assert_uint_eq(a.bayes.param_bits, 2);
    ck_assert_uint_eq(a.bayes.mtjs_per_cell, 3);
    ck_assert_int_eq(arch_load("scaledrop", &a, &dl), ST_OK);
    ck_assert(a.drng.sigma_p == 0.02);
    ck_assert_int_eq(arch_load("subset-vi", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.bayes.param_bits, 4);
    ck_assert_uint_eq(a.bayes.sample_bits, 4);
}
END_TEST

START_TEST(test_arch_load_unknown_name_lists_the_builtins)
{
    static const char list[] = "(built-ins: default, spindrop, spatial-spindrop, scaledrop, "
                               "affine-dropout, subset-vi, spinbayes, mc-dropout, "
                               "mc-dropconnect, deterministic)";
    char want[512];
    arch_t a, before;
    arch_diag_list_t dl;
    memset(&a, 0x5a, sizeof a);
    before = a;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load("spin-bayes", &a, &dl), ST_EIO);
    ck_assert_mem_eq(&a, &before, sizeof a);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_uint_eq(dl.d[0].line, 0);
    snprintf(want, sizeof want,
             "<cmdline>: error: no such file or built-in architecture 'spin-bayes' %s", list);
    ck_assert_str_eq(line_of(&dl, 0), want);
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load("", &a, &dl), ST_EIO);
    snprintf(want, sizeof want, "<cmdline>: error: no such file or built-in architecture '' %s",
             list);
    ck_assert_str_eq(line_of(&dl, 0), want);
    ck_assert_int_eq(arch_load(NULL, &a, &dl), ST_EINVAL);
}
END_TEST

START_TEST(test_arch_load_takes_a_path_when_no_builtin_matches)
{
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load(NS_SOURCE_DIR "/configs/spindrop-shared.yaml", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.drng.share, 4);
    ck_assert_int_eq(arch_load(NS_SOURCE_DIR "/configs/schemes/spinbayes.yaml", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.dropout_impl, ARCH_DROPOUT_SPINBAYES);
    /* An existing path that cannot be read is the file loader's error, not "no such". */
    ck_assert_int_eq(arch_load(NS_SOURCE_DIR "/configs", &a, &dl), ST_EIO);
    ck_assert_str_eq(line_of(&dl, 0), NS_SOURCE_DIR "/configs: error: cannot read file: Is a "
                                                    "directory");
}
END_TEST

/* ---- Errors ---- */

START_TEST(test_arch_out_is_untouched_on_error)
{
    arch_t a, before;
    arch_diag_list_t dl;
    memset(&a, 0xa5, sizeof a);
    before = a;
    ck_assert_int_eq(load("version: 1\nxbar: {rows: 64, cols: abc}\n", &a, &dl), ST_ECONFIG);
    ck_assert_mem_eq(&a, &before, sizeof a);
    ck_assert_int_eq(load("version: 1\nsenseamp: {psum_bits: 2}\n", &a, &dl), ST_ECONFIG);
    ck_assert_mem_eq(&a, &before, sizeof a);
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_file(NS_SOURCE_DIR "/no/such.yaml", &a, &dl), ST_EIO);
    ck_assert_mem_eq(&a, &before, sizeof a);
}
END_TEST

START_TEST(test_arch_collects_errors_across_blocks)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(
        load("xbar: {rows: 0}\nchip: {tiles: x}\nenergy: {e_add_pj: -1}\nzzzzz: 1\n", &a, &dl),
        ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 5);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:4:1: error: unknown key 'zzzzz'");
    ck_assert_str_eq(line_of(&dl, 1), "a.yaml:1:1: error: version: is required but not given");
    ck_assert_str_eq(line_of(&dl, 2),
                     "a.yaml:2:15: error: chip.tiles: expected integer in [1, 1048576], got \"x\"");
    ck_assert_str_eq(line_of(&dl, 3),
                     "a.yaml:1:14: error: xbar.rows: must be between 1 and 4096 inclusive, got 0");
    ck_assert_str_eq(line_of(&dl, 4), "a.yaml:3:20: error: energy.e_add_pj: must be between 0 and "
                                      "1000000 inclusive, got -1");
}
END_TEST

START_TEST(test_arch_unknown_version_stops_there)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 0\nxbar: {rows: 0}\n", &a, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(line_of(&dl, 0), "a.yaml:1:10: error: version: unsupported version 0 (this "
                                      "neuspin reads version 1)");
    ck_assert_int_eq(load("version: one\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(line_of(&dl, 0),
                     "a.yaml:1:10: error: version: expected integer in [1, 1], got \"one\"");
}
END_TEST

START_TEST(test_arch_empty_document_asks_for_version_1)
{
    arch_t a;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("# only a comment\n", &a, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(line_of(&dl, 0),
                     "a.yaml: error: empty document, expected a mapping with 'version: 1'");
}
END_TEST

START_TEST(test_arch_load_fails_cleanly_at_every_allocation)
{
    unsigned long n;
    int rc = ST_ENOMEM;
    arch_t a, before;
    memset(&a, 0x3c, sizeof a);
    before = a;
    for (n = 1; n < 100 && rc == ST_ENOMEM; n++) {
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        st_fail_alloc_at = n;
        rc = arch_load_default(&a, &dl);
        st_fail_alloc_at = 0;
        if (rc == ST_ENOMEM)
            ck_assert_mem_eq(&a, &before, sizeof a);
    }
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_uint_gt(n, 2);
    char *s = NULL;
    for (n = 1; n < 100 && !s; n++) {
        st_fail_alloc_at = n;
        s = arch_dump_string(&a);
        st_fail_alloc_at = 0;
    }
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_gt(n, 2); /* the first buffer is too small for the whole dump */
    free(s);
}
END_TEST

/* The scenario's defaults are today's behaviour but ScaleDrop's threshold form; its keys
 * remember where they stood for the mapper's errors (bayes_last at 3:15, bayes_list not
 * given: at bayes_layers, 2:26); the list helpers split on commas and refuse empty names
 * and blanks. */
START_TEST(test_arch_scenario_defaults_marks_and_list_helpers)
{
    arch_t a;
    arch_diag_list_t dl;
    char name[64];
    ck_assert_int_eq(load("version: 1\n", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.scenario.bayes_layers, ARCH_BAYES_ALL);
    ck_assert_uint_eq(a.scenario.bayes_last, 1);
    ck_assert_str_eq(a.scenario.bayes_list, "");
    ck_assert_uint_eq(a.scenario.conv_mask, ARCH_CONV_MASK_ROW_VECTOR);
    ck_assert_uint_eq(a.scenario.scale_apply, ARCH_SCALE_THRESHOLD);
    ck_assert_uint_eq(a.scenario.at_last.line, 0);
    ck_assert_int_eq(
        load("version: 1\nscenario: {bayes_layers: last,\n  bayes_last: 2}\n", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.scenario.at_last.line, 3);
    ck_assert_uint_eq(a.scenario.at_last.col, 15);
    ck_assert_uint_eq(a.scenario.at_list.line, 2);
    ck_assert_uint_eq(a.scenario.at_list.col, 26);
    ck_assert_uint_eq(arch_bayes_list_count("conv1,fc1,fc2"), 3);
    ck_assert_uint_eq(arch_bayes_list_count("fc1"), 1);
    ck_assert_uint_eq(arch_bayes_list_count(""), 0);
    ck_assert_uint_eq(arch_bayes_list_count("fc1,"), 0);
    ck_assert_uint_eq(arch_bayes_list_count(",fc1"), 0);
    ck_assert_uint_eq(arch_bayes_list_count("fc1, fc2"), 0);
    arch_bayes_list_name("conv1,fc1,fc2", 1, name, sizeof name);
    ck_assert_str_eq(name, "fc1");
    arch_bayes_list_name("conv1,fc1,fc2", 2, name, sizeof name);
    ck_assert_str_eq(name, "fc2");
    arch_bayes_list_name("conv1,fc1,fc2", 3, name, sizeof name);
    ck_assert_str_eq(name, "");
    arch_bayes_list_name("conv1,fc1", 0, name, 4); /* cut to 3 characters */
    ck_assert_str_eq(name, "con");
    /* list mode needs a well-formed list */
    ck_assert_int_eq(load("version: 1\nscenario: {bayes_layers: list}\n", &a, &dl), ST_ECONFIG);
    ck_assert_str_eq(dl.d[0].path, "scenario.bayes_list");
}
END_TEST

Suite *arch_suite(void)
{
    Suite *s = suite_create("arch");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_arch_default_is_the_schema_defaults);
    tcase_add_test(core, test_arch_version_alone_is_the_default);
    tcase_add_test(core, test_arch_every_key_lands_in_its_field);
    tcase_add_test(core, test_arch_energy_keys_are_the_action_keys);
    tcase_add_test(core, test_arch_sram_energy_follows_capacity_and_node);
    tcase_add_test(core, test_arch_schema_rows_are_consistent);
    tcase_add_test(core, test_arch_dump_round_trips_default);
    tcase_add_test(core, test_arch_dump_round_trips_every_key);
    tcase_add_test(core, test_arch_dump_round_trips_awkward_values);
    tcase_add_test(core, test_arch_dump_string_matches_dump_yaml);
    tcase_add_test(core, test_arch_list_params_has_a_row_per_key);
    tcase_add_test(core, test_arch_dropout_names_in_enum_order_and_each_loads);
    tcase_add_test(core, test_arch_mlc_partial_sum_needs_enough_bits);
    tcase_add_test(core, test_arch_derived_energy_follows_the_circuit_and_overrides);
    tcase_add_test(core, test_arch_mlc_bits_is_floor_log2_of_levels);
    tcase_add_test(core, test_arch_builtins_are_default_then_the_schemes_in_order);
    tcase_add_test(core, test_arch_load_each_builtin_differs_only_in_its_scheme);
    tcase_add_test(core, test_arch_load_takes_a_path_when_no_builtin_matches);
    tcase_add_test(core, test_arch_scenario_defaults_marks_and_list_helpers);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_arch_psum_bits_must_hold_a_count_of_max_active_rows);
    tcase_add_test(lim, test_arch_max_active_rows_at_most_rows);
    tcase_add_test(lim, test_arch_cols_per_sa_at_most_cols);
    tcase_add_test(lim, test_arch_spindrop_driver_must_reach_half);
    tcase_add_test(lim, test_arch_check_without_yaml_names_the_source);
    tcase_add_test(lim, test_arch_check_saturate_lifts_the_psum_width_rule);
    tcase_add_test(lim, test_arch_check_uses_the_clock_not_a_stale_clk_ns);
    tcase_add_test(lim, test_arch_bayes_keys_are_range_checked);
    tcase_add_test(lim, test_arch_driver_checked_under_every_stochastic_scheme);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_test(err, test_arch_out_is_untouched_on_error);
    tcase_add_test(err, test_arch_collects_errors_across_blocks);
    tcase_add_test(err, test_arch_unknown_version_stops_there);
    tcase_add_test(err, test_arch_empty_document_asks_for_version_1);
    tcase_add_test(err, test_arch_load_fails_cleanly_at_every_allocation);
    tcase_add_test(err, test_arch_unknown_dropout_impl_lists_all_nine);
    tcase_add_test(err, test_arch_load_unknown_name_lists_the_builtins);
    suite_add_tcase(s, err);
    return s;
}
