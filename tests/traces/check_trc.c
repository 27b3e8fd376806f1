/* check_trc.c - totals, CSV and manifest writers, crash-safe commit. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/status.h"
#include "trc.h"

static const trc_layer_t layers[2] = {
    {"conv1", "conv", 1, 5, 576, 1024, 36864, 0.9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {{0}}},
    {"fc,odd \"name\"", "fc", 1, 1, 0, 1, 100, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {{0}}},
};

/* Layers with area, static power and (layer 0) an achieved dropout p. */
static const trc_layer_t leak_layers[2] = {
    {"fc2", "fc", 1, 1, 4, 1, 100, 0.5, 0, 0, 0, 250.0, 12.5, 1, 0.2, 0.21, 0.03, 0, {{0}}},
    {"pool", "maxpool", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 3.0, 0, 0, 0, 0, 0, {{0}}},
};

/* A table where each action costs 1 pJ except ACT_ADD (0.5) and ACT_BUS_BIT (2). */
static en_table_t table(void)
{
    en_table_t t;
    for (int a = 0; a < ACT_COUNT; a++)
        t.e_pj[a] = 1.0;
    t.e_pj[ACT_ADD] = 0.5;
    t.e_pj[ACT_BUS_BIT] = 2.0;
    return t;
}

static char tmpdir[64];

static void mk_tmp(void)
{
    strcpy(tmpdir, "/tmp/ns-trc-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Entries of dir (excluding . and ..). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static int exists(const char *dir, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return stat(p, &st) == 0;
}

static char *slurp(const char *dir, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static trc_rec_t rec(uint32_t layer, uint32_t pass, uint64_t start, uint64_t cycles)
{
    trc_rec_t r;
    memset(&r, 0, sizeof r);
    r.layer = layer;
    r.pass = pass;
    r.start_cyc = start;
    r.cycles = cycles;
    r.acts.n[ACT_ADD] = 10;    /* 10 x 0.5 = 5 pJ, digital */
    r.acts.n[ACT_BUS_BIT] = 3; /* 3 x 2 = 6 pJ, bus */
    r.rng_bits = 7;
    return r;
}

START_TEST(test_trc_sum_adds_passes_and_tracks_the_last_end)
{
    en_table_t t = table();
    trc_sum_t *s = NULL;
    ck_assert_int_eq(trc_sum_create(layers, 2, 2, &t, 1.0, &s), ST_OK);
    trc_rec_t a = rec(0, 0, 0, 100), b = rec(1, 0, 100, 20), c = rec(0, 1, 120, 100);
    trc_sum_add(s, &a);
    trc_sum_add(s, &b);
    trc_sum_add(s, &c);
    ck_assert_uint_eq(s->cycles[0], 200);
    ck_assert_uint_eq(s->end_cyc, 220); /* 120 + 100 */
    double comp[COMP_COUNT];
    /* layer 0: two records x (5 + 6) pJ = 22, of which digital 10 and bus 12 */
    ck_assert_double_eq_tol(trc_sum_layer_pj(s, 0, comp), 22.0, 1e-12);
    ck_assert_double_eq_tol(comp[COMP_DIGITAL], 10.0, 1e-12);
    ck_assert_double_eq_tol(comp[COMP_BUS], 12.0, 1e-12);
    ck_assert_double_eq_tol(trc_sum_total_pj(s), 33.0, 1e-12); /* 3 records x 11 */
    ck_assert_uint_eq(s->rng_bits[0], 14);
    trc_sum_destroy(s);
}
END_TEST

/* A layer with its own energy table (a dropout bank at its p) is priced with it; the
 * others with the run's.  Layer 0's table doubles every action of table(): its record of
 * 10 adds and 3 bus bits costs 2 x (10 x 0.5 + 3 x 2) = 22 pJ, layer 1's 11 pJ. */
START_TEST(test_trc_layer_energy_table_prices_its_own_records)
{
    en_table_t t = table(), t2 = table();
    for (int a = 0; a < ACT_COUNT; a++)
        t2.e_pj[a] *= 2.0;
    trc_layer_t own[2] = {layers[0], layers[1]};
    own[0].has_en = 1;
    own[0].en = t2;
    trc_sum_t *s = NULL;
    ck_assert_int_eq(trc_sum_create(own, 2, 1, &t, 1.0, &s), ST_OK);
    trc_rec_t a = rec(0, 0, 0, 100), b = rec(1, 0, 100, 20);
    trc_sum_add(s, &a);
    trc_sum_add(s, &b);
    ck_assert_double_eq_tol(trc_sum_layer_pj(s, 0, NULL), 22.0, 1e-12);
    ck_assert_double_eq_tol(trc_sum_layer_pj(s, 1, NULL), 11.0, 1e-12);
    trc_sum_destroy(s);
}
END_TEST

/* Under the pipelined schedule layers overlap: the per-pass row is the image latency over
 * T, never more than the image's, and the layers' summed busy cycles are shown apart. */
START_TEST(test_trc_table_per_pass_is_the_image_latency_over_T)
{
    en_table_t t = table();
    trc_sum_t *s = NULL;
    ck_assert_int_eq(trc_sum_create(layers, 2, 2, &t, 1.0, &s), ST_OK);
    /* pass 0: layer 0 at 0..100, layer 1 at 60..120; pass 1: layer 0 at 100..200, layer 1
     * at 160..220 -> image latency 220 cycles, 110 per pass; busy 2 x (100 + 60) = 320 */
    trc_rec_t r[4] = {rec(0, 0, 0, 100), rec(1, 0, 60, 60), rec(0, 1, 100, 100),
                      rec(1, 1, 160, 60)};
    for (int i = 0; i < 4; i++)
        trc_sum_add(s, &r[i]);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    trc_print_table(f, s, NULL);
    fclose(f);
    /* "  %-18s %12.0f": 15 characters padded to 18, a space, 110 right-aligned in 12 */
    ck_assert_ptr_nonnull(strstr(buf, "  per pass (mean)             110 "));
    ck_assert_ptr_nonnull(strstr(buf, "  per image (T=2)             220 "));
    /* 320 / 2 = 160 busy cycles per pass, 320 / 220 = 1.45x */
    ck_assert_ptr_nonnull(
        strstr(buf, "layers busy per pass (mean) 160 cycles: they overlap, 1.45x"));
    free(buf);
    trc_sum_destroy(s);
}
END_TEST

START_TEST(test_trc_files_appear_only_at_commit)
{
    mk_tmp();
    en_table_t t = table();
    trc_out_t *o = NULL;
    char err[256];
    ck_assert_int_eq(trc_out_open(tmpdir, layers, 2, &t, 2.0, &o, err, sizeof err), ST_OK);
    trc_rec_t a = rec(0, 0, 0, 100), b = rec(1, 0, 100, 20);
    ck_assert_int_eq(trc_out_rec(o, &a), ST_OK);
    ck_assert_int_eq(trc_out_rec(o, &b), ST_OK);
    ck_assert(!exists(tmpdir, "layers.csv"));
    ck_assert(!exists(tmpdir, "stats.csv"));
    ck_assert_int_eq(trc_out_commit(o, "{}\n", err, sizeof err), ST_OK);
    ck_assert(exists(tmpdir, "layers.csv"));
    ck_assert(exists(tmpdir, "stats.csv"));
    ck_assert(exists(tmpdir, "run.json"));
    ck_assert_int_eq(count_entries(tmpdir), 3); /* no temporary left */

    const char *l = slurp(tmpdir, "layers.csv");
    /* row 1: layer 0 pass 0, 100 cycles x 2 ns = 200 ns, 11 pJ; the odd name is quoted */
    ck_assert_ptr_nonnull(strstr(l, "\n0,conv1,conv,0,1,5,0,100,200,11,"));
    ck_assert_ptr_nonnull(strstr(l, "\n1,\"fc,odd \"\"name\"\"\",fc,0,"));
    const char *st = slurp(tmpdir, "stats.csv");
    ck_assert_ptr_nonnull(strstr(st, "layer,sample,path,stat,index,value,unit\n"));
    ck_assert_ptr_nonnull(strstr(st, "conv1,0,layer.digital,add,,10,count\n"));
    ck_assert_ptr_nonnull(strstr(st, "conv1,0,layer.bus,energy,,6,pJ\n"));
    rm_tmp();
}
END_TEST

/* Leakage is static power x the record's time: 12.5 uW x 400 cycles x 2 ns = 10000 uW ns
 * = 10000 fJ = 10 pJ, booked to e_leak_pj and into energy_pj (11 pJ of actions + 10). */
START_TEST(test_trc_leak_is_static_power_times_the_layers_time)
{
    ck_assert_double_eq_tol(trc_leak_pj(&leak_layers[0], 400, 2.0), 10.0, 1e-12);
    en_table_t t = table();
    trc_sum_t *s = NULL;
    ck_assert_int_eq(trc_sum_create(leak_layers, 2, 1, &t, 2.0, &s), ST_OK);
    trc_rec_t a = rec(0, 0, 0, 400), b = rec(1, 0, 400, 100);
    trc_sum_add(s, &a);
    trc_sum_add(s, &b);
    double comp[COMP_COUNT];
    ck_assert_double_eq_tol(trc_sum_layer_pj(s, 0, comp), 21.0, 1e-12); /* 11 + 10 */
    ck_assert_double_eq_tol(comp[COMP_LEAK], 10.0, 1e-12);
    ck_assert_double_eq_tol(comp[COMP_BUS], 6.0, 1e-12); /* actions untouched */
    /* layer 1: 3 uW x 100 x 2 ns = 600 fJ = 0.6 pJ; image 21 + 11.6 = 32.6 pJ */
    ck_assert_double_eq_tol(trc_sum_total_pj(s), 32.6, 1e-12);
    trc_sum_destroy(s);

    mk_tmp();
    trc_out_t *o = NULL;
    char err[256];
    ck_assert_int_eq(trc_out_open(tmpdir, leak_layers, 2, &t, 2.0, &o, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_out_rec(o, &a), ST_OK);
    ck_assert_int_eq(trc_out_rec(o, &b), ST_OK);
    ck_assert_int_eq(trc_out_commit(o, "{}\n", err, sizeof err), ST_OK);
    const char *l = slurp(tmpdir, "layers.csv");
    /* 400 cycles x 2 ns = 800 ns, 21 pJ; e_* xbar..bus = 0,0,0,0,0,0,5,6 then leak 10 */
    ck_assert_ptr_nonnull(strstr(l, "\n0,fc2,fc,0,1,1,0,400,800,21,0,0,0,0,0,0,5,6,10,"));
    /* ... area 250 um^2, 12.5 uW, p target 0.2, mean 0.21, std 0.03 */
    ck_assert_ptr_nonnull(strstr(l, ",250,12.5,0.2,0.21,0.03\n"));
    /* a layer without dropout modules leaves the p fields empty: 100 x 2 = 200 ns, 11.6 pJ */
    ck_assert_ptr_nonnull(strstr(l, "\n1,pool,maxpool,0,0,0,400,100,200,11.6,"));
    ck_assert_ptr_nonnull(strstr(l, ",0,3,,,\n"));
    const char *st = slurp(tmpdir, "stats.csv");
    ck_assert_ptr_nonnull(strstr(st, "fc2,0,layer.leak,energy,,10,pJ\n"));
    rm_tmp();
}
END_TEST

START_TEST(test_trc_abort_leaves_nothing)
{
    mk_tmp();
    en_table_t t = table();
    trc_out_t *o = NULL;
    char err[256];
    ck_assert_int_eq(trc_out_open(tmpdir, layers, 2, &t, 1.0, &o, err, sizeof err), ST_OK);
    trc_rec_t a = rec(0, 0, 0, 100);
    ck_assert_int_eq(trc_out_rec(o, &a), ST_OK);
    trc_out_abort(o);
    ck_assert_int_eq(count_entries(tmpdir), 0);
    rm_tmp();
}
END_TEST

START_TEST(test_trc_block_rows_follow_the_descriptors)
{
    mk_tmp();
    en_table_t t = table();
    trc_out_t *o = NULL;
    char err[256];
    struct {
        uint64_t reads, writes;
    } stats = {42, 9};
    const stat_desc_t descs[] = {{"reads", "count", "reads", 0}, {"writes", "count", "writes", 8}};
    ck_assert_int_eq(trc_out_open(tmpdir, layers, 2, &t, 1.0, &o, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_out_block(o, "chip.tile", 3, descs, 2, &stats), ST_OK);
    ck_assert_int_eq(trc_out_commit(o, "{}\n", err, sizeof err), ST_OK);
    const char *st = slurp(tmpdir, "stats.csv");
    ck_assert_ptr_nonnull(strstr(st, "*,*,chip.tile,reads,3,42,count\n"));
    ck_assert_ptr_nonnull(strstr(st, "*,*,chip.tile,writes,3,9,count\n"));
    rm_tmp();
}
END_TEST

START_TEST(test_trc_output_under_a_file_is_an_error)
{
    en_table_t t = table();
    trc_out_t *o = NULL;
    char err[256] = "";
    ck_assert_int_eq(trc_out_open("/dev/null/out", layers, 2, &t, 1.0, &o, err, sizeof err),
                     ST_EIO);
    ck_assert_ptr_null(o);
    ck_assert_ptr_nonnull(strstr(err, "/dev/null/out: cannot create output directory"));
}
END_TEST

START_TEST(test_trc_json_string_escapes)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    trc_json_string(f, "a\"b\\c\nd\x01");
    fclose(f);
    ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\nd\\u0001\"");
    free(buf);
}
END_TEST

START_TEST(test_trc_sum_create_fails_cleanly_without_memory)
{
    en_table_t t = table();
    for (unsigned long k = 1;; k++) {
        trc_sum_t *s = NULL;
        st_fail_alloc_at = k;
        int rc = trc_sum_create(layers, 2, 1, &t, 1.0, &s);
        st_fail_alloc_at = 0;
        if (rc == ST_OK) {
            ck_assert_uint_ge(k, 7); /* 6 allocations must have been tried */
            trc_sum_destroy(s);
            break;
        }
        ck_assert_int_eq(rc, ST_ENOMEM);
        ck_assert_ptr_null(s);
    }
}
END_TEST

Suite *trc_suite(void)
{
    Suite *s = suite_create("trc");
    TCase *c = tcase_create("Core");
    tcase_add_test(c, test_trc_sum_adds_passes_and_tracks_the_last_end);
    tcase_add_test(c, test_trc_table_per_pass_is_the_image_latency_over_T);
    tcase_add_test(c, test_trc_layer_energy_table_prices_its_own_records);
    tcase_add_test(c, test_trc_files_appear_only_at_commit);
    tcase_add_test(c, test_trc_abort_leaves_nothing);
    tcase_add_test(c, test_trc_leak_is_static_power_times_the_layers_time);
    tcase_add_test(c, test_trc_block_rows_follow_the_descriptors);
    tcase_add_test(c, test_trc_json_string_escapes);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("Errors");
    tcase_add_test(e, test_trc_output_under_a_file_is_an_error);
    tcase_add_test(e, test_trc_sum_create_fails_cleanly_without_memory);
    suite_add_tcase(s, e);
    return s;
}
