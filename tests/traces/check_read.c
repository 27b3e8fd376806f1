/* check_read.c - the output readers (traces/trc_read.h): RFC 4180 fields, bounds, numbers
 * with range checks and file:line:col messages, layers.csv sums, summary rows, run.json and
 * sweep.json through jansson, and the README and writers against the schema tables. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "sweep_int.h" /* SWEEP_METRIC_COLUMNS, the summary writer's metric columns */
#include "trc_read.h"

static char err[512];

/* Opens a reader over a string literal. */
static trc_csv_t *csv(const char *text)
{
    trc_csv_t *c;
    ck_assert_int_eq(trc_csv_open_mem("t.csv", text, strlen(text), &c), ST_OK);
    return c;
}

START_TEST(test_csv_rfc4180_quotes_commas_and_line_breaks)
{
    /* record 1: a | b,c | d"e (CRLF end); record 2 starts on line 2 and its first field
     * holds a line break, so record 3 starts on line 4 */
    trc_csv_t *c = csv("a,\"b,c\",\"d\"\"e\"\r\n\"x\ny\",,z\nlast\n");
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_uint_eq(trc_csv_nfields(c), 3);
    ck_assert_str_eq(trc_csv_get(c, 0), "a");
    ck_assert_str_eq(trc_csv_get(c, 1), "b,c");
    ck_assert_str_eq(trc_csv_get(c, 2), "d\"e");
    size_t len;
    const char *raw = trc_csv_raw(c, &len);
    ck_assert_uint_eq(len, 14); /* a,"b,c","d""e" without the CRLF: 1 + 1 + 5 + 1 + 6 */
    ck_assert_int_eq(memcmp(raw, "a,\"b,c\",\"d\"\"e\"", 14), 0);
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_uint_eq(trc_csv_line(c), 2);
    ck_assert_uint_eq(trc_csv_nfields(c), 3);
    ck_assert_str_eq(trc_csv_get(c, 0), "x\ny");
    ck_assert_str_eq(trc_csv_get(c, 1), "");
    ck_assert_str_eq(trc_csv_get(c, 2), "z");
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_uint_eq(trc_csv_line(c), 4);
    ck_assert_str_eq(trc_csv_get(c, 0), "last");
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 0);
    trc_csv_close(c);
}
END_TEST

START_TEST(test_csv_refuses_truncated_and_stray_quotes)
{
    trc_csv_t *c = csv("a,b\nc,d");
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), ST_EIO);
    /* "c,d" ends at column 4 of line 2 without a line end */
    ck_assert_str_eq(err,
                     "t.csv:2:4: error: the last record has no line end: the file is truncated");
    trc_csv_close(c);
    c = csv("a\"b\n");
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), ST_EIO);
    ck_assert_str_eq(err, "t.csv:1:2: error: a quote inside an unquoted field");
    trc_csv_close(c);
    c = csv("x,\"open\n");
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), ST_EIO);
    ck_assert_str_eq(err, "t.csv:1:3: error: quoted field not closed before the end of the file");
    trc_csv_close(c);
}
END_TEST

START_TEST(test_csv_numbers_are_checked_with_their_column)
{
    trc_csv_t *c = csv("18446744073709551615,18446744073709551616,abc,1e3,nan, 1,-0\n");
    uint64_t u = 7;
    double d = 7;
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_int_eq(trc_csv_u64(c, 0, "point", 0, UINT64_MAX, &u, err, sizeof err), ST_OK);
    ck_assert_uint_eq(u, UINT64_MAX); /* 2^64 - 1 */
    ck_assert_int_eq(trc_csv_u64(c, 0, "point", 0, 3, &u, err, sizeof err), ST_EIO);
    ck_assert_str_eq(err, "t.csv:1:1: error: column 'point': expected an integer in [0, 3], got "
                          "\"18446744073709551615\"");
    ck_assert_int_eq(trc_csv_u64(c, 1, "point", 0, UINT64_MAX, &u, err, sizeof err), ST_EIO);
    /* field 2 starts after "18446744073709551615," = 21 bytes, at column 22 */
    ck_assert_str_eq(err, "t.csv:1:22: error: column 'point': expected an integer in [0, "
                          "18446744073709551615], got \"18446744073709551616\"");
    ck_assert_int_eq(trc_csv_f64(c, 2, "energy_pj", &d, err, sizeof err), ST_EIO);
    ck_assert_str_eq(err, "t.csv:1:43: error: column 'energy_pj': expected a number, got \"abc\"");
    ck_assert_int_eq(trc_csv_f64(c, 3, "energy_pj", &d, err, sizeof err), ST_OK);
    ck_assert(d == 1000.0);                                                               /* 1e3 */
    ck_assert_int_eq(trc_csv_f64(c, 4, "energy_pj", &d, err, sizeof err), ST_EIO);        /* nan */
    ck_assert_int_eq(trc_csv_f64(c, 5, "energy_pj", &d, err, sizeof err), ST_EIO);        /* " 1" */
    ck_assert_int_eq(trc_csv_u64(c, 6, "x", 0, UINT64_MAX, &u, err, sizeof err), ST_EIO); /* -0 */
    ck_assert_uint_eq(u, UINT64_MAX); /* untouched on error */
    trc_csv_close(c);
}
END_TEST

/* A layers.csv of 2 layers x 2 passes; the e_* columns of each row: xbar 1, drng 2, arb 3,
 * others 0, energy_pj 6. */
static char *layers_text(const char *rows)
{
    static char buf[4096];
    char hdr[1024];
    FILE *f = fmemopen(hdr, sizeof hdr, "w");
    trc_schema_header(f, &trc_schema_layers);
    fclose(f);
    snprintf(buf, sizeof buf, "%s%s", hdr, rows);
    return buf;
}

#define E_COLS "6,1,0,0,2,3,0,0,0,0"
/* area_um2, static_uw, p_target, p_mean, p_std of a layer without dropout modules */
#define NO_P ",0,0,,,"
START_TEST(test_layers_sum_passes_per_layer)
{
    /* layer,name,kind,pass,mapping,tiles,start,cycles,lat,E,e*9,mods,bits,rcyc,drop,w,b,bc,s,
     * area,static,p_target,p_mean,p_std */
    const char *t = layers_text(
        "0,conv1,conv,0,1,4,0,100,100," E_COLS ",3,10,5,0,64,0,0,0,1000,2.5,0.2,0.19,0.01\n"
        "1,\"fc,1\",fc,0,1,1,100,50,50," E_COLS ",1,20,5,0,32,0,0,8" NO_P "\n"
        "0,conv1,conv,1,1,4,150,100,100," E_COLS ",3,11,5,0,64,0,0,0,1000,2.5,0.2,0.19,0.01\n"
        "1,\"fc,1\",fc,1,1,1,250,50,50," E_COLS ",1,21,5,0,32,0,0,8" NO_P "\n");
    trc_run_t r;
    ck_assert_int_eq(trc_layers_parse("l.csv", t, strlen(t), &r, err, sizeof err), ST_OK);
    ck_assert_uint_eq(r.n_layers, 2);
    ck_assert_uint_eq(r.passes, 2);
    ck_assert_str_eq(r.layers[1].name, "fc,1");
    ck_assert_uint_eq(r.layers[0].cycles, 200);  /* 100 + 100 */
    ck_assert_uint_eq(r.layers[1].rng_bits, 41); /* 20 + 21 */
    ck_assert(r.layers[0].e_pj == 12.0);         /* 6 + 6 */
    ck_assert(r.layers[0].e_rng_pj == 10.0);     /* (2 + 3) x 2 passes */
    ck_assert(r.layers[1].e_comp_pj[COMP_XBAR] == 2.0);
    ck_assert_uint_eq(r.layers[1].sram_bits, 8);
    ck_assert(r.layers[0].area_um2 == 1000.0); /* a property of the layer, not summed */
    ck_assert(r.layers[1].area_um2 == 0.0);
    ck_assert_uint_eq(r.end_cyc, 300); /* pass 1 of layer 1: 250 + 50 */
    free(r.layers);
}
END_TEST

START_TEST(test_layers_refuses_an_index_beyond_its_rows)
{
    /* one row naming layer 2^32: would size an array of 2^32 entries */
    const char *t = layers_text("4294967296,a,fc,0,1,1,0,1,1," E_COLS ",0,0,0,0,0,0,0,0" NO_P "\n");
    trc_run_t r;
    ck_assert_int_eq(trc_layers_parse("l.csv", t, strlen(t), &r, err, sizeof err), ST_EIO);
    ck_assert_str_eq(err, "l.csv:2:1: error: column 'layer': expected a layer index below the 1 "
                          "rows, got 4294967296");
    ck_assert_ptr_null(r.layers);
    t = layers_text("0,a,fc,0,1,1,0,1,1," E_COLS ",0,0,0,0,0,0,0" NO_P "\n"); /* one short */
    ck_assert_int_eq(trc_layers_parse("l.csv", t, strlen(t), &r, err, sizeof err), ST_EIO);
    /* 10 fixed + 9 energies + 8 counts + 5 area/power/p = 32 */
    ck_assert_ptr_nonnull(strstr(err, "error: expected 32 fields, got 31"));
    t = layers_text("0,a,fc,0,1,1,0,1,1," E_COLS ",0,0,0,0,0,0,0,0" NO_P "\n"
                    "0,b,fc,1,1,1,0,1,1," E_COLS ",0,0,0,0,0,0,0,0" NO_P "\n");
    ck_assert_int_eq(trc_layers_parse("l.csv", t, strlen(t), &r, err, sizeof err), ST_EIO);
    ck_assert_ptr_nonnull(strstr(err, "l.csv:3:3: error: layer 0 is 'a' (fc)"));
}
END_TEST

START_TEST(test_summary_rows_against_the_point_count)
{
    const char *t = "point,x,seed," SWEEP_METRIC_COLUMNS "\n"
                    "0,\"a,b\",9,1.5,2,3,4,5,6,0.5,1.5,ok,\n"
                    "1,c,9,,,,,,,,,failed,why\n"
                    "2,c,9,1,2,3,4,5,6,0.5,1,ok,\n";
    trc_csv_t *c = csv(t);
    trc_summary_hdr_t h;
    trc_summary_row_t row;
    ck_assert_int_eq(trc_summary_header(c, 1, &h, err, sizeof err), ST_OK);
    ck_assert_uint_eq(h.n_axes, 1);
    ck_assert_int_eq(h.c_seed, 2);
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_int_eq(trc_summary_row(c, &h, 2, &row, err, sizeof err), ST_OK);
    ck_assert(row.ok && row.energy_pj == 1.5 && row.latency_ns == 2.0);
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_int_eq(trc_summary_row(c, &h, 2, &row, err, sizeof err), ST_OK);
    ck_assert(!row.ok);
    ck_assert_int_eq(trc_csv_next(c, err, sizeof err), 1);
    ck_assert_int_eq(trc_summary_row(c, &h, 2, &row, err, sizeof err), ST_EIO);
    ck_assert_str_eq(err,
                     "t.csv:4:1: error: column 'point': expected an integer in [0, 1], got \"2\"");
    trc_csv_close(c);
}
END_TEST

START_TEST(test_json_manifests_through_jansson)
{
    const char *run =
        "{\"schema\": 1, \"simulator\": \"neuspin\", \"version\": \"v\",\n"
        " \"command\": \"run\", \"seed\": \"1\", \"mc_passes\": 3,\n"
        " \"mapping_override\": 0, \"clock_mhz\": 1000, \"scheme\": \"spindrop\",\n"
        " \"time_unit\": \"cycle\", \"cycle_ns\": 1, \"workload\": {\"name\": \"w\"},\n"
        " \"architecture_yaml\": \"name: a\", \"per_image\": {}, \"hardware\": {},\n"
        " \"programming\": {}, \"files\": []}";
    trc_run_info_t ri;
    ck_assert_int_eq(trc_run_info_parse("run.json", run, strlen(run), &ri, err, sizeof err), ST_OK);
    ck_assert_str_eq(ri.workload, "w");
    ck_assert_uint_eq(ri.mc_passes, 3);
    ck_assert_str_eq(ri.arch_yaml, "name: a");
    free(ri.arch_yaml);
    /* mc_passes as text: the message points at the key (line 2, column 33) */
    char bad[2048];
    snprintf(bad, sizeof bad, "%s", run);
    char *p = strstr(bad, "\"mc_passes\": 3");
    memcpy(p, "\"mc_passes\":[]", 14);
    ck_assert_int_eq(trc_run_info_parse("run.json", bad, strlen(bad), &ri, err, sizeof err),
                     ST_EIO);
    ck_assert_str_eq(err, "run.json:2:33: error: key 'mc_passes': expected an integer >= 0");
    const char *s1 = "{\"schema\":1,\"simulator\":\"n\",\"version\":\"v\",\"command\":\"sweep\","
                     "\"sweep_file\":\"a.yaml\",\"mode\":\"product\",\"points\":4,\"id_width\":4,"
                     "\"master_seed\":\"1\",\"seed_mixing\":\"m\",\"base\":{\"T\":2},"
                     "\"axes\":[{\"key\":\"k\",\"values\":[\"1\",\"2\"]}],\"points_dir\":\"p\"}";
    char s2[1024];
    snprintf(s2, sizeof s2, "%s", s1);
    memcpy(strstr(s2, "a.yaml"), "b.yaml", 6);
    trc_sweep_info_t *a, *b;
    ck_assert_int_eq(trc_sweep_info_parse("a", s1, strlen(s1), &a, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_sweep_info_parse("b", s2, strlen(s2), &b, err, sizeof err), ST_OK);
    ck_assert_uint_eq(trc_sweep_points(a), 4);
    ck_assert_uint_eq(trc_sweep_n_axes(a), 1);
    ck_assert_str_eq(trc_sweep_axis_key(a, 0), "k");
    ck_assert_uint_eq(trc_sweep_base_T(a), 2);
    ck_assert_int_eq(trc_sweep_same(a, b), 1); /* only the path differs */
    trc_sweep_info_free(b);
    memcpy(strstr(s2, "\"points\":4"), "\"points\":5", 10);
    ck_assert_int_eq(trc_sweep_info_parse("b", s2, strlen(s2), &b, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_sweep_same(a, b), 0);
    trc_sweep_info_free(a);
    trc_sweep_info_free(b);
}
END_TEST

START_TEST(test_safe_text_has_no_quote_control_or_tab)
{
    char b[16];
    ck_assert_str_eq(trc_safe_text(b, sizeof b, "a\"b\tc\nd\x7f"), "a'b c d ");
    ck_assert_str_eq(trc_safe_text(b, sizeof b,
                                   "\xff"
                                   "x"),
                     "?x");                                                    /* invalid UTF-8 */
    ck_assert_str_eq(trc_safe_text(b, 6, "ab\xc2\xb5\xc2\xb5"), "ab\xc2\xb5"); /* whole chars */
}
END_TEST

/* ---- The schemas, the writers and the README ---- */

START_TEST(test_layers_schema_names_every_component)
{
    for (int k = 0; k < COMP_COUNT; k++) {
        char want[32];
        snprintf(want, sizeof want, "e_%s_pj", comp_name((comp_t)k));
        ck_assert_str_eq(trc_schema_layers.cols[10 + k].name, want);
    }
}
END_TEST

START_TEST(test_summary_writer_metrics_match_the_schema)
{
    char tail[512] = "";
    const trc_schema_t *s = &trc_schema_summary;
    for (unsigned i = s->n_cols - 10; i < s->n_cols; i++)
        snprintf(tail + strlen(tail), sizeof tail - strlen(tail), "%s%s",
                 i > s->n_cols - 10 ? "," : "", s->cols[i].name);
    ck_assert_str_eq(tail, SWEEP_METRIC_COLUMNS);
}
END_TEST

/* The README's table of schema s, as traces/README.md must hold it. */
static void render(char *buf, size_t n, const trc_schema_t *s)
{
    size_t o = (size_t)snprintf(buf, n, "| %s | type | unit | meaning |\n|---|---|---|---|\n",
                                s->json ? "key" : "column");
    for (unsigned i = 0; i < s->n_cols && o < n; i++) {
        const trc_col_t *c = &s->cols[i];
        o += (size_t)snprintf(
            buf + o, n - o, "| %s | %s%s | %s | %s |\n", c->name, trc_type_name(c->type),
            c->flags & TRC_COL_OPTIONAL ? ", optional" : "", c->unit[0] ? c->unit : "–", c->doc);
    }
}

START_TEST(test_readme_documents_every_schema_table)
{
    FILE *f = fopen(NS_SOURCE_DIR "/traces/README.md", "r");
    ck_assert_ptr_nonnull(f);
    static char readme[1 << 16], want[1 << 14];
    size_t n = fread(readme, 1, sizeof readme - 1, f);
    fclose(f);
    readme[n] = '\0';
    for (const trc_schema_t *const *s = trc_schemas; *s && getenv("NS_PRINT_README_TABLES"); s++) {
        render(want, sizeof want, *s);
        printf("## `%s`: %s\n\n%s\n", (*s)->file, (*s)->doc, want);
    }
    for (const trc_schema_t *const *s = trc_schemas; *s; s++) {
        render(want, sizeof want, *s);
        ck_assert_msg(strstr(readme, want),
                      "traces/README.md lacks the table of %s; run "
                      "NS_PRINT_README_TABLES=1 CK_FORK=no check_traces to print it",
                      (*s)->file);
    }
}
END_TEST

Suite *read_suite(void)
{
    Suite *s = suite_create("read");
    TCase *c = tcase_create("Core");
    tcase_add_test(c, test_csv_rfc4180_quotes_commas_and_line_breaks);
    tcase_add_test(c, test_layers_sum_passes_per_layer);
    tcase_add_test(c, test_json_manifests_through_jansson);
    tcase_add_test(c, test_safe_text_has_no_quote_control_or_tab);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("Errors");
    tcase_add_test(e, test_csv_refuses_truncated_and_stray_quotes);
    tcase_add_test(e, test_csv_numbers_are_checked_with_their_column);
    tcase_add_test(e, test_layers_refuses_an_index_beyond_its_rows);
    tcase_add_test(e, test_summary_rows_against_the_point_count);
    suite_add_tcase(s, e);
    TCase *d = tcase_create("Drift");
    tcase_add_test(d, test_layers_schema_names_every_component);
    tcase_add_test(d, test_summary_writer_metrics_match_the_schema);
    tcase_add_test(d, test_readme_documents_every_schema_table);
    suite_add_tcase(s, d);
    return s;
}
