/* check_sweep.c - sweep files (sim/cmd/sweep.h): expansion order and counts (product, zip,
 * ranges), per-value and per-point diagnostics, seeds from (master seed, point index), and
 * the child's command line; plus `-p` overrides (arch_override). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "base/status.h"
#include "sweep.h"

/* Loads text as a sweep file named `name`; the first diagnostic's line into first. */
static int load(const char *name, const char *text, sweep_t **s, char *first, size_t n)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = sweep_load_string(name, text, strlen(text), s, &dl);
    first[0] = '\0';
    if (dl.n)
        arch_diag_format(&dl.d[0], first, n);
    return rc;
}

/* Loads and checks every point; the first diagnostic into first. */
static int load_check(const char *text, sweep_t **s, uint64_t *bad, char *first, size_t n)
{
    int rc = load("s.yaml", text, s, first, n);
    if (rc != ST_OK)
        return rc;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    rc = sweep_check(*s, &dl, bad);
    if (dl.n)
        arch_diag_format(&dl.d[0], first, n);
    return rc;
}

static const char product_yaml[] = "version: 1\n"
                                   "base: {workload: lenet5-mnist, T: 1, seed: 5}\n"
                                   "axes:\n"
                                   "  - {key: xbar.rows, values: [64, 128, 256]}\n"
                                   "  - {key: chip.tiles, range: {from: 16, to: 64, mul: 2}}\n";

START_TEST(test_sweep_product_varies_last_axis_fastest)
{
    sweep_t *s = NULL;
    char e[512], label[256];
    uint64_t bad = 99;
    ck_assert_int_eq(load_check(product_yaml, &s, &bad, e, sizeof e), ST_OK);
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_eq(s->n_points, 9); /* 3 rows x (16, 32, 64) */
    sweep_point_label(s, 0, label, sizeof label);
    ck_assert_str_eq(label, "xbar.rows=64, chip.tiles=16");
    sweep_point_label(s, 1, label, sizeof label);
    ck_assert_str_eq(label, "xbar.rows=64, chip.tiles=32");
    sweep_point_label(s, 3, label, sizeof label);
    ck_assert_str_eq(label, "xbar.rows=128, chip.tiles=16");
    sweep_point_label(s, 8, label, sizeof label);
    ck_assert_str_eq(label, "xbar.rows=256, chip.tiles=64");
    arch_t a;
    sweep_point_arch(s, 5, &a); /* 128 rows, 64 tiles */
    ck_assert_uint_eq(a.tile.xbar.rows, 128);
    ck_assert_uint_eq(a.tiles, 64);
    ck_assert_uint_eq(a.tile.xbar.cols, s->base.tile.xbar.cols); /* untouched */
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_zip_takes_the_ith_value_of_every_axis)
{
    sweep_t *s = NULL;
    char e[512], label[256];
    uint64_t bad;
    const char *y = "version: 1\nmode: zip\naxes:\n"
                    "  - {key: xbar.rows, values: [64, 128, 256]}\n"
                    "  - {key: xbar.cols, range: {from: 32, to: 128, mul: 2}}\n"
                    "  - {key: T, values: [1, 2, 3]}\n";
    ck_assert_int_eq(load_check(y, &s, &bad, e, sizeof e), ST_OK);
    ck_assert_uint_eq(s->n_points, 3);
    sweep_point_label(s, 1, label, sizeof label);
    ck_assert_str_eq(label, "xbar.rows=128, xbar.cols=64, T=2");
    uint64_t T, m, seed;
    uint32_t wl;
    sweep_point_run(s, 2, &T, &m, &seed, &wl);
    ck_assert_uint_eq(T, 3);
    ck_assert_uint_eq(m, 0);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_zip_of_unequal_lengths_is_an_error_at_the_axis)
{
    sweep_t *s = NULL;
    char e[512];
    const char *y = "version: 1\nmode: zip\naxes:\n"
                    "  - {key: xbar.rows, values: [64, 128, 256]}\n"
                    "  - {key: xbar.cols, values: [64, 128]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_ECONFIG);
    ck_assert_str_eq(e, "s.yaml:5:5: error: axes[1]: mode zip needs axes of equal length: "
                        "axes[0] (xbar.rows) has 3 values, axes[1] (xbar.cols) has 2");
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_sweep_ranges_step_mul_and_numbers)
{
    sweep_t *s = NULL;
    char e[512];
    const char *y = "version: 1\naxes:\n"
                    "  - {key: chip.tiles, range: {from: 64, to: 512, step: 64}}\n"
                    "  - {key: xbar.cols, range: {from: 512, to: 32, mul: 0.5}}\n"
                    "  - {key: energy.e_sa_sense_pj, range: {from: 0.01, to: 0.05, step: 0.01}}\n"
                    "  - {key: T, range: {from: 3, to: 1, step: -1}}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    ck_assert_uint_eq(s->axes[0].n_values, 8); /* 64, 128, ..., 512 */
    ck_assert_str_eq(s->axes[0].values[7].text, "512");
    ck_assert_uint_eq(s->axes[1].n_values, 5); /* 512, 256, 128, 64, 32 */
    ck_assert_str_eq(s->axes[1].values[4].text, "32");
    ck_assert_uint_eq(s->axes[2].n_values, 5); /* 0.01 .. 0.05, no rounding noise */
    ck_assert_str_eq(s->axes[2].values[2].text, "0.03");
    ck_assert_str_eq(s->axes[2].values[4].text, "0.05");
    ck_assert_uint_eq(s->axes[3].n_values, 3);
    ck_assert_str_eq(s->axes[3].values[0].text, "3");
    ck_assert_uint_eq(s->n_points, 8 * 5 * 5 * 3);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_no_axes_is_one_point_the_base)
{
    sweep_t *s = NULL;
    char e[512], label[64];
    ck_assert_int_eq(load("s.yaml", "version: 1\n", &s, e, sizeof e), ST_OK);
    ck_assert_uint_eq(s->n_points, 1);
    sweep_point_label(s, 0, label, sizeof label);
    ck_assert_str_eq(label, "the base");
    sweep_destroy(s);
}
END_TEST

/* Each bad file and the first line of its diagnostic. */
static const struct {
    const char *yaml, *first;
} bad_files[] = {
    {"version: 1\naxes:\n  - {key: xbar.rwos, values: [64]}\n",
     "s.yaml:3:11: error: axes[0].key: unknown key 'xbar.rwos', did you mean 'xbar.rows'?"},
    {"version: 1\naxes:\n  - {key: xbar.rows, values: [64, abc]}\n",
     "s.yaml:3:35: error: axes[0].values[1]: xbar.rows: expected integer in [1, 4096], got "
     "\"abc\""},
    {"version: 1\naxes:\n  - {key: xbar.rows, values: [64, 5000]}\n",
     "s.yaml:3:35: error: axes[0].values[1]: xbar.rows: must be between 1 and 4096 inclusive, "
     "got 5000"},
    {"version: 1\naxes:\n  - {key: xbar.rows, range: {from: 1024, to: 8192, mul: 2}}\n",
     "s.yaml:3:29: error: axes[0].range: xbar.rows: must be between 1 and 4096 inclusive, got "
     "8192"},
    {"version: 1\naxes:\n  - {key: dropout.impl, range: {from: 1, to: 2, step: 1}}\n",
     "s.yaml:3:32: error: axes[0].range: a range needs a numeric key, 'dropout.impl' is not one; "
     "list its values instead"},
    {"version: 1\naxes:\n  - {key: xbar.rows, range: {from: 64, to: 16, step: 16}}\n",
     "s.yaml:3:54: error: axes[0].range.step: expected a negative step to go from 64 to 16"},
    {"version: 1\naxes:\n  - {key: xbar.rows, values: [64], range: {from: 1, to: 2, step: 1}}\n",
     "s.yaml:3:5: error: axes[0]: expected exactly one of 'values' or 'range'"},
    {"version: 1\naxes:\n  - {key: xbar.rows, value: [64]}\n",
     "s.yaml:3:22: error: axes[0]: unknown key 'value', did you mean 'values'?"},
    {"version: 1\naxes:\n  - {key: xbar.rows, values: [64]}\n  - {key: xbar.rows, values: [128]}\n",
     "s.yaml:4:11: error: axes[1].key: 'xbar.rows' is already axes[0]"},
    {"version: 1\naxes:\n  - {key: T, values: [0]}\n",
     "s.yaml:3:23: error: axes[0].values[0]: T: expected integer in [1, 100000], got \"0\""},
    {"version: 1\nbase: {workload: resnet99}\n",
     "s.yaml:2:18: error: no such file or built-in workload 'resnet99' (built-ins: lenet5-mnist, "},
    {"version: 2\n",
     "s.yaml:1:10: error: version: unsupported version 2 (this neuspin reads version 1)"},
    {"version: 1\naxes:\n  - {key: timing, values: [fast]}\n",
     "s.yaml:3:28: error: axes[0].values[0]: timing: expected event, cycle or analytic, got "
     "\"fast\""},
    {"version: 1\nmode: cartesian\n",
     "s.yaml:2:7: error: mode: expected product or zip, got \"cartesian\""},
    /* a quote inside a value is shown as '?' (the loader already refuses control characters,
     * escaped), so the quoted "got" stays unambiguous */
    {"version: 1\nmode: 'pro\"duct'\n",
     "s.yaml:2:7: error: mode: expected product or zip, got \"pro?duct\""},
    {"version: 1\nbsae: {T: 1}\n", "s.yaml:2:1: error: unknown key 'bsae', did you mean 'base'?"},
    /* network keys: values at load, layer names and N against every workload */
    {"version: 1\naxes:\n  - {key: net.dropout, values: [0.2, 1.5]}\n",
     "s.yaml:3:38: error: axes[0].values[1]: net.dropout: must be between 0 and 0.99 inclusive, "
     "got 1.5"},
    {"version: 1\naxes:\n  - {key: net.dropout.fc1, values: [high]}\n",
     "s.yaml:3:37: error: axes[0].values[0]: net.dropout.fc1: expected a number in [0, 0.99], "
     "got \"high\""},
    {"version: 1\naxes:\n  - {key: net.dropout.fc9, values: [0.1]}\n",
     "s.yaml:3:11: error: axes[0].key: net.dropout.fc9: no layer 'fc9' in workload lenet5-mnist; "
     "expected one of: conv1, conv2, fc1, fc2, fc3"},
    {"version: 1\naxes:\n  - {key: workload, values: [lenet5-mnist, vgg-small-cifar10]}\n"
     "  - {key: net.dropout.conv3, values: [0.1]}\n",
     "s.yaml:4:11: error: axes[1].key: net.dropout.conv3: no layer 'conv3' in workload "
     "lenet5-mnist; expected one of: conv1, conv2, fc1, fc2, fc3"},
    {"version: 1\naxes:\n  - {key: net.bayes_layers, values: [all, \"conv1,pool1\"]}\n",
     "s.yaml:3:43: error: axes[0].values[1]: net.bayes_layers: layer 'pool1' of workload "
     "lenet5-mnist is a maxpool layer, which takes no dropout; expected a conv or fc layer: "
     "conv1, conv2, fc1, fc2, fc3"},
    {"version: 1\naxes:\n  - {key: net.bayes_layers, values: [\"conv1,,fc1\"]}\n",
     "s.yaml:3:38: error: axes[0].values[0]: net.bayes_layers: expected all, none or layer names "
     "separated by commas, got \"conv1,,fc1\" (an empty name)"},
    {"version: 1\naxes:\n  - {key: net.bayes_last, values: [5, 6]}\n",
     "s.yaml:3:39: error: axes[0].values[1]: net.bayes_last: workload lenet5-mnist has 5 conv/fc "
     "layers, got 6"},
    {"version: 1\naxes:\n  - {key: net.bayes_last, values: [1]}\n"
     "  - {key: net.bayes_layers, values: [all]}\n",
     "s.yaml:4:11: error: axes[1].key: net.bayes_last (axes[0]) and net.bayes_layers (axes[1]) "
     "exclude each other; sweep one of them"},
    {"version: 1\naxes:\n  - {key: net.bayes_layers, range: {from: 1, to: 2, step: 1}}\n",
     "s.yaml:3:36: error: axes[0].range: a range needs a numeric key, 'net.bayes_layers' is not "
     "one; list its values instead"},
    {"version: 1\naxes:\n  - {key: net.p, values: [0.1]}\n",
     "s.yaml:3:11: error: axes[0].key: unknown network key 'net.p' (expected net.dropout, "
     "net.dropout.LAYER, net.bayes_last or net.bayes_layers)"},
    {"version: 1\naxes:\n  - {key: dropout.conv1, values: [0.1]}\n",
     "s.yaml:3:11: error: axes[0].key: unknown key 'dropout.conv1'; network parameters are net.* "
     "keys: did you mean 'net.dropout.conv1'?"},
};

START_TEST(test_sweep_bad_file_is_reported_at_its_line)
{
    sweep_t *s = NULL;
    char e[512];
    ck_assert_int_ne(load("s.yaml", bad_files[_i].yaml, &s, e, sizeof e), ST_OK);
    /* the list of built-ins grows: compare the start only where an entry ends in ", " */
    size_t n = strlen(bad_files[_i].first);
    if (n > 2 && !strcmp(bad_files[_i].first + n - 2, ", "))
        ck_assert_msg(strncmp(e, bad_files[_i].first, n) == 0, "got: %s", e);
    else
        ck_assert_str_eq(e, bad_files[_i].first);
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_sweep_invalid_point_is_reported_with_its_axis_values)
{
    sweep_t *s = NULL;
    char e[512];
    uint64_t bad = 0;
    /* LeNet-5 on 64 x 64 crossbars needs 15 tiles: the points with 8 tiles do not fit */
    const char *y = "version: 1\nbase: {workload: lenet5-mnist}\naxes:\n"
                    "  - {key: xbar.rows, values: [64, 256]}\n"
                    "  - {key: xbar.cols, values: [64]}\n"
                    "  - {key: chip.tiles, values: [8, 64]}\n";
    ck_assert_int_eq(load_check(y, &s, &bad, e, sizeof e), ST_ECONFIG);
    ck_assert_uint_eq(bad, 2); /* (64, 64, 8) and (256, 64, 8) */
    ck_assert_msg(strncmp(e,
                          "s.yaml:4:3: error: point 0 (xbar.rows=64, xbar.cols=64, "
                          "chip.tiles=8): layers[",
                          75) == 0,
                  "got: %s", e);
    ck_assert_msg(strstr(e, "missing") != NULL, "got: %s", e);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_cross_field_error_points_at_the_axis_value)
{
    sweep_t *s = NULL;
    char e[512];
    uint64_t bad = 0;
    const char *y = "version: 1\naxes:\n"
                    "  - {key: xbar.max_active_rows, values: [32, 256]}\n";
    ck_assert_int_eq(load_check(y, &s, &bad, e, sizeof e), ST_ECONFIG);
    ck_assert_uint_eq(bad, 1);
    /* psum_bits 6 cannot count 256 rows: reported at senseamp.psum_bits, the first error */
    ck_assert_msg(strstr(e, "point 1 (xbar.max_active_rows=256): ") != NULL, "got: %s", e);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_seed_is_splitmix64_of_master_and_index)
{
    /* splitmix64 from state 0: its first three outputs (the reference sequence) */
    ck_assert_uint_eq(sweep_seed(0, 0), 0xE220A8397B1DCDAFull);
    ck_assert_uint_eq(sweep_seed(0, 1), 0x6E789E6AA1B965F4ull);
    ck_assert_uint_eq(sweep_seed(0, 2), 0x06C45D188009454Full);
    ck_assert_uint_ne(sweep_seed(1, 0), sweep_seed(0, 0));

    sweep_t *s = NULL;
    char e[512];
    ck_assert_int_eq(load("s.yaml", product_yaml, &s, e, sizeof e), ST_OK);
    uint64_t T, m, seed;
    uint32_t wl;
    for (uint64_t i = 0; i < s->n_points; i++) {
        sweep_point_run(s, i, &T, &m, &seed, &wl);
        ck_assert_uint_eq(seed, sweep_seed(5, i)); /* master seed 5, point index i */
    }
    sweep_destroy(s);

    /* a seed axis gives the seed itself */
    ck_assert_int_eq(
        load("s.yaml", "version: 1\naxes:\n  - {key: seed, values: [11, 12]}\n", &s, e, sizeof e),
        ST_OK);
    sweep_point_run(s, 1, &T, &m, &seed, &wl);
    ck_assert_uint_eq(seed, 12);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_child_argv_carries_overrides_and_seed)
{
    sweep_t *s = NULL;
    char e[512], want[64];
    ck_assert_int_eq(load("s.yaml", product_yaml, &s, e, sizeof e), ST_OK);
    char **argv = NULL;
    ck_assert_int_eq(sweep_point_argv(s, 4, "out/points/0004", &argv), ST_OK);
    char line[1024] = "";
    for (char **p = argv; *p; p++)
        snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s", p == argv ? "" : " ", *p);
    /* every point on chip 1 (the default device seed): only the masks follow the point */
    snprintf(want, sizeof want, "--seed %llu --device-seed 1 -q",
             (unsigned long long)sweep_seed(5, 4));
    ck_assert_msg(strncmp(line,
                          "neuspin run -p xbar.rows=128 -p chip.tiles=32 -w lenet5-mnist "
                          "-T 1 ",
                          62) == 0,
                  "got: %s", line);
    ck_assert_msg(strstr(line, want) != NULL, "got: %s", line);
    ck_assert_msg(strstr(line, "-o out/points/0004") != NULL, "got: %s", line);
    free(argv);
    ck_assert_int_eq(sweep_id_width(s), 4);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_timing_from_base_or_axis_goes_to_the_child)
{
    sweep_t *s = NULL;
    char e[512];
    ck_assert_int_eq(load("s.yaml",
                          "version: 1\nbase: {timing: analytic}\naxes:\n"
                          "  - {key: xbar.rows, values: [64, 128]}\n",
                          &s, e, sizeof e),
                     ST_OK);
    ck_assert_str_eq(sweep_point_timing(s, 1), "analytic");
    char **argv = NULL;
    ck_assert_int_eq(sweep_point_argv(s, 1, "d", &argv), ST_OK);
    int found = 0;
    for (char **p = argv; *p; p++)
        found |= !strcmp(*p, "--timing") && p[1] && !strcmp(p[1], "analytic");
    ck_assert(found);
    free(argv);
    sweep_destroy(s);
    ck_assert_int_eq(load("s.yaml",
                          "version: 1\naxes:\n  - {key: timing, values: [event, analytic]}\n", &s,
                          e, sizeof e),
                     ST_OK);
    ck_assert_str_eq(sweep_point_timing(s, 0), "event");
    ck_assert_str_eq(sweep_point_timing(s, 1), "analytic");
    sweep_destroy(s);
    ck_assert_int_eq(load("s.yaml", "version: 1\n", &s, e, sizeof e), ST_OK);
    ck_assert_ptr_null(sweep_point_timing(s, 0)); /* the run's own default */
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_relative_paths_resolve_against_the_sweep_file)
{
    sweep_t *s = NULL;
    char e[512];
    /* the toy2 workload, named relative to a sweep file in its directory */
    const char *name = NS_SOURCE_DIR "/tests/golden/toy2/sweep.yaml";
    ck_assert_int_eq(
        load(name, "version: 1\nbase: {arch: arch.yaml, workload: net.yaml}\n", &s, e, sizeof e),
        ST_OK);
    ck_assert_str_eq(s->arch_spec, NS_SOURCE_DIR "/tests/golden/toy2/arch.yaml");
    ck_assert_str_eq(s->wl[s->base_wl].spec, NS_SOURCE_DIR "/tests/golden/toy2/net.yaml");
    ck_assert_str_eq(s->wl[s->base_wl].given, "net.yaml");
    sweep_destroy(s);
}
END_TEST

/* ---- Network axes (net.*) ---- */

/* p of every layer of point i's network into p[] (LeNet-5 has 7 layers). */
static void point_ps(const sweep_t *s, uint64_t i, double *p, uint32_t n)
{
    wl_net_t *net = NULL;
    ck_assert_int_eq(sweep_point_network(s, i, &net), ST_OK);
    ck_assert_uint_eq(net->n_layers, n);
    for (uint32_t l = 0; l < n; l++)
        p[l] = net->layers[l].p;
    wl_net_destroy(net);
}

/* LeNet-5: conv1 pool1 conv2 pool2 fc1 fc2 fc3, every conv/fc with dropout 0.2 */
START_TEST(test_sweep_net_dropout_sets_every_layer_that_has_dropout)
{
    sweep_t *s = NULL;
    char e[512];
    double p[7];
    const char *y = "version: 1\nbase: {workload: lenet5-mnist}\naxes:\n"
                    "  - {key: net.dropout, range: {from: 0.1, to: 0.3, step: 0.1}}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    ck_assert_uint_eq(s->n_points, 3); /* 0.1, 0.2, 0.3 */
    ck_assert_str_eq(s->axes[0].values[2].text, "0.3");
    point_ps(s, 2, p, 7);
    ck_assert(p[0] == 0.3 && p[2] == 0.3 && p[4] == 0.3 && p[5] == 0.3 && p[6] == 0.3);
    ck_assert(p[1] == 0 && p[3] == 0); /* the pools take no dropout */
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_net_dropout_layer_wins_over_net_dropout_in_any_axis_order)
{
    sweep_t *s = NULL;
    char e[512];
    double p[7];
    /* the per-layer axis written first still applies after net.dropout */
    const char *y = "version: 1\naxes:\n"
                    "  - {key: net.dropout.fc3, values: [0.5]}\n"
                    "  - {key: net.dropout, values: [0.1]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    point_ps(s, 0, p, 7);
    ck_assert(p[0] == 0.1 && p[2] == 0.1 && p[4] == 0.1 && p[5] == 0.1);
    ck_assert(p[6] == 0.5);
    sweep_destroy(s);
    /* and a layer may get a p of 0: it becomes deterministic */
    ck_assert_int_eq(load("s.yaml",
                          "version: 1\naxes:\n  - {key: net.dropout.conv1, values: [0]}\n", &s, e,
                          sizeof e),
                     ST_OK);
    point_ps(s, 0, p, 7);
    ck_assert(p[0] == 0 && p[2] == 0.2);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_net_bayes_last_keeps_dropout_on_the_last_n_crossbar_layers)
{
    sweep_t *s = NULL;
    char e[512];
    double p[7];
    const char *y = "version: 1\naxes:\n"
                    "  - {key: net.bayes_last, values: [0, 2, 5]}\n"
                    "  - {key: net.dropout, values: [0.3]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    point_ps(s, 0, p, 7); /* N = 0: all deterministic */
    for (int l = 0; l < 7; l++)
        ck_assert(p[l] == 0);
    point_ps(s, 1, p, 7); /* N = 2: fc2 and fc3, with net.dropout's 0.3 */
    ck_assert(p[0] == 0 && p[2] == 0 && p[4] == 0 && p[5] == 0.3 && p[6] == 0.3);
    point_ps(s, 2, p, 7); /* N = 5: all five conv/fc layers */
    ck_assert(p[0] == 0.3 && p[2] == 0.3 && p[4] == 0.3 && p[5] == 0.3 && p[6] == 0.3);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_net_bayes_layers_keeps_dropout_on_the_named_layers)
{
    sweep_t *s = NULL;
    char e[512], label[128];
    double p[7];
    const char *y = "version: 1\naxes:\n"
                    "  - {key: net.bayes_layers, values: [\"conv1, fc3\", [fc1], all, none]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    ck_assert_str_eq(s->axes[0].values[0].text, "conv1,fc3"); /* the summary's value */
    ck_assert_str_eq(s->axes[0].values[1].text, "fc1");
    sweep_point_label(s, 0, label, sizeof label);
    ck_assert_str_eq(label, "net.bayes_layers=conv1,fc3");
    point_ps(s, 0, p, 7);
    ck_assert(p[0] == 0.2 && p[2] == 0 && p[4] == 0 && p[5] == 0 && p[6] == 0.2);
    point_ps(s, 1, p, 7);
    ck_assert(p[0] == 0 && p[2] == 0 && p[4] == 0.2 && p[5] == 0 && p[6] == 0);
    point_ps(s, 2, p, 7); /* all: the file's p */
    ck_assert(p[0] == 0.2 && p[2] == 0.2 && p[4] == 0.2 && p[5] == 0.2 && p[6] == 0.2);
    point_ps(s, 3, p, 7);
    for (int l = 0; l < 7; l++)
        ck_assert(p[l] == 0);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_net_ids_number_workload_and_net_combinations)
{
    sweep_t *s = NULL;
    char e[512];
    /* 2 p x 3 rows x 2 workloads = 12 points; point i = (p i/6, rows (i/2)%3, wl i%2) */
    const char *y = "version: 1\naxes:\n"
                    "  - {key: net.dropout, values: [0.1, 0.4]}\n"
                    "  - {key: xbar.rows, values: [64, 128, 256]}\n"
                    "  - {key: workload, values: [lenet5-mnist, vgg-small-cifar10]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    ck_assert_uint_eq(s->n_points, 12);
    ck_assert_uint_eq(sweep_net_count(s), 4); /* 2 p x 2 workloads; rows do not count */
    ck_assert_uint_eq(sweep_point_net(s, 0), 0);
    ck_assert_uint_eq(sweep_point_net(s, 7), 3);  /* p 0.4, vgg: 1 * 2 + 1 */
    ck_assert_uint_eq(sweep_point_net(s, 8), 2);  /* p 0.4, rows 128, lenet: 1 * 2 + 0 */
    ck_assert_uint_eq(sweep_point_net(s, 11), 3); /* p 0.4, rows 256, vgg */
    ck_assert_uint_eq(sweep_net_point(s, 3), 7);  /* the first point of id 3: rows 64 */
    ck_assert_uint_eq(sweep_net_point(s, 1), 1);
    for (uint64_t id = 0; id < 4; id++)
        ck_assert_uint_eq(sweep_point_net(s, sweep_net_point(s, id)), id);
    wl_net_t *net = NULL;
    ck_assert_int_eq(sweep_point_network(s, 11, &net), ST_OK);
    ck_assert_str_eq(net->name, "vgg-small-cifar10");
    ck_assert_uint_eq(net->n_layers, 12);
    ck_assert(net->layers[0].p == 0.4 && net->layers[11].p == 0.4 && net->layers[2].p == 0);
    ck_assert(s->wl[s->axes[2].values[1].num].net->layers[0].p == 0.2); /* the loaded one kept */
    wl_net_destroy(net);
    char name[32];
    sweep_net_file_name(3, name, sizeof name);
    ck_assert_str_eq(name, "net-3.yaml");
    sweep_destroy(s);

    /* zip: point i is network i; without net.* axes there are none */
    ck_assert_int_eq(load("s.yaml",
                          "version: 1\nmode: zip\naxes:\n"
                          "  - {key: net.dropout, values: [0.1, 0.1, 0.2]}\n"
                          "  - {key: T, values: [1, 2, 3]}\n",
                          &s, e, sizeof e),
                     ST_OK);
    ck_assert_uint_eq(sweep_net_count(s), 3);
    ck_assert_uint_eq(sweep_point_net(s, 2), 2);
    ck_assert_uint_eq(sweep_net_point(s, 1), 1);
    sweep_destroy(s);
    ck_assert_int_eq(load("s.yaml", product_yaml, &s, e, sizeof e), ST_OK);
    ck_assert_uint_eq(sweep_net_count(s), 0);
    ck_assert_uint_eq(sweep_point_net(s, 0), UINT64_MAX);
    sweep_destroy(s);
}
END_TEST

/* A net_path callback: "IN/net-ID.yaml" into the buffer ctx. */
static const char *net_path(void *ctx, uint64_t id)
{
    char name[32];
    sweep_net_file_name(id, name, sizeof name);
    snprintf(ctx, 64, "IN/%s", name);
    return ctx;
}

START_TEST(test_sweep_child_argv_names_the_points_network_file)
{
    sweep_t *s = NULL;
    char e[512], buf[64];
    const char *y = "version: 1\naxes:\n"
                    "  - {key: xbar.rows, values: [64, 128]}\n"
                    "  - {key: net.bayes_last, values: [1, 2, 3]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    char **argv = NULL;
    /* point 4 = (rows 128, bayes_last 2): network id 1 */
    ck_assert_int_eq(sweep_point_argv_net(s, 4, "d", net_path, buf, &argv), ST_OK);
    int found = 0, p_net = 0;
    for (char **p = argv; *p; p++) {
        found |= !strcmp(*p, "-w") && p[1] && !strcmp(p[1], "IN/net-1.yaml");
        p_net |= strstr(*p, "net.") != NULL; /* network keys never go to -p */
    }
    ck_assert(found);
    ck_assert(!p_net);
    free(argv);
    /* never the unmodified network in its place */
    argv = NULL;
    ck_assert_int_eq(sweep_point_argv(s, 4, "d", &argv), ST_EINVAL);
    ck_assert_ptr_null(argv);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_net_dropout_on_a_network_without_dropout_is_an_error)
{
    char dir[] = "/tmp/check_sweep_XXXXXX", path[64], e[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/n.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("version: 1\ninput: {c: 1, h: 8, w: 8}\nmc_samples: 1\nlayers:\n"
          "  - {name: f, type: fc, cout: 10}\n",
          f);
    fclose(f);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    sweep_t *s = NULL;
    ck_assert_int_eq(load(path,
                          "version: 1\nbase: {workload: n.yaml}\naxes:\n"
                          "  - {key: net.dropout, values: [0.1]}\n",
                          &s, e, sizeof e),
                     ST_ECONFIG);
    ck_assert_ptr_null(s);
    char want[512];
    snprintf(want, sizeof want,
             "%s:4:11: error: axes[0].key: net.dropout: workload n.yaml has no "
             "layer with dropout to set; give layers their p with net.dropout.LAYER",
             path);
    ck_assert_str_eq(e, want);
    /* net.dropout.f gives it one */
    ck_assert_int_eq(load(path,
                          "version: 1\nbase: {workload: n.yaml}\naxes:\n"
                          "  - {key: net.dropout.f, values: [0.1]}\n",
                          &s, e, sizeof e),
                     ST_OK);
    wl_net_t *net = NULL;
    ck_assert_int_eq(sweep_point_network(s, 0, &net), ST_OK);
    ck_assert(net->layers[0].p == 0.1);
    wl_net_destroy(net);
    sweep_destroy(s);
    snprintf(path, sizeof path, "%s/n.yaml", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(test_sweep_bayesian_layers_example_loads_and_every_point_is_valid)
{
    sweep_t *s = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(sweep_load(NS_SOURCE_DIR "/configs/sweeps/bayesian-layers.yaml", &s, &dl),
                     ST_OK);
    ck_assert_uint_eq(s->n_points, 18);        /* bayes_last 0..5 x dropout 0.1, 0.2, 0.3 */
    ck_assert_uint_eq(sweep_net_count(s), 18); /* both axes change the network */
    uint64_t bad = 1;
    ck_assert_int_eq(sweep_check(s, &dl, &bad), ST_OK);
    ck_assert_uint_eq(bad, 0);
    double p[7];
    point_ps(s, 4, p, 7); /* point 4: bayes_last 1, dropout 0.2: fc3 alone */
    ck_assert(p[0] == 0 && p[2] == 0 && p[4] == 0 && p[5] == 0 && p[6] == 0.2);
    sweep_destroy(s);
}
END_TEST

/* ---- --skip-invalid: which points are invalid ---- */

START_TEST(test_sweep_check_map_marks_exactly_the_invalid_points)
{
    sweep_t *s = NULL;
    char e[512], msg[400];
    uint64_t bad = 0;
    /* as test_sweep_invalid_point_is_reported_with_its_axis_values: points (rows, tiles) =
     * 0 (64, 8) bad, 1 (64, 64), 2 (256, 8) bad, 3 (256, 64): bits 0 and 2, byte 0x05 */
    const char *y = "version: 1\nbase: {workload: lenet5-mnist}\naxes:\n"
                    "  - {key: xbar.rows, values: [64, 256]}\n"
                    "  - {key: xbar.cols, values: [64]}\n"
                    "  - {key: chip.tiles, values: [8, 64]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    unsigned char *map = NULL;
    ck_assert_int_eq(sweep_check_map(s, &dl, &bad, &map), ST_ECONFIG);
    ck_assert_uint_eq(bad, 2);
    ck_assert_ptr_nonnull(map);
    ck_assert_uint_eq(map[0], 0x05);
    ck_assert(sweep_bad_test(map, 0) && !sweep_bad_test(map, 1) && sweep_bad_test(map, 2) &&
              !sweep_bad_test(map, 3));
    free(map);
    /* the row's error text: the point's first diagnostic without file or point label */
    ck_assert_int_eq(sweep_point_check(s, 2, msg, sizeof msg), ST_ECONFIG);
    ck_assert_msg(!strncmp(msg, "layers[", 7) && strstr(msg, "missing"), "got: %s", msg);
    char want[600];
    arch_diag_format(&dl.d[dl.n - 1], want, sizeof want); /* point 2's, the last point listed */
    ck_assert_msg(strstr(want, "point 2 (") && strstr(want, msg), "%s / %s", want, msg);
    ck_assert_int_eq(sweep_point_check(s, 1, msg, sizeof msg), ST_OK);
    ck_assert_str_eq(msg, "");
    sweep_destroy(s);

    /* every point valid: an all-zero map */
    ck_assert_int_eq(load("s.yaml", product_yaml, &s, e, sizeof e), ST_OK);
    arch_diag_init(&dl);
    ck_assert_int_eq(sweep_check_map(s, &dl, &bad, &map), ST_OK);
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_eq(map[0] | map[1], 0); /* 9 points: 2 bytes */
    free(map);
    sweep_destroy(s);
}
END_TEST

START_TEST(test_sweep_check_builds_each_points_network)
{
    sweep_t *s = NULL;
    char e[512];
    uint64_t bad = 0;
    /* SpinBayes keeps arbiter.k = 4 copies of each Bayesian layer.  LeNet-5 on its 128 x 128
     * crossbars: conv1 1 tile, conv2 2 (150 rows), fc1 4 (400 rows), fc2 1, fc3 1: 9 tiles
     * deterministic.  On 16 tiles: bayes_last 0 needs 9, 1 (fc3) 9 + 3 = 12, 2 (fc2, fc3)
     * 15 fit; 3 (fc1 too) 15 + 12 = 27 and 5 (all) 36 do not: points 3 and 4, byte 0x18 */
    const char *y = "version: 1\nbase: {arch: spinbayes}\naxes:\n"
                    "  - {key: chip.tiles, values: [16]}\n"
                    "  - {key: net.bayes_last, values: [0, 1, 2, 3, 5]}\n";
    ck_assert_int_eq(load("s.yaml", y, &s, e, sizeof e), ST_OK);
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    unsigned char *map = NULL;
    ck_assert_int_eq(sweep_check_map(s, &dl, &bad, &map), ST_ECONFIG);
    ck_assert_uint_eq(bad, 2);
    ck_assert_uint_eq(map[0], 0x18);
    free(map);
    char line[600];
    arch_diag_format(&dl.d[0], line, sizeof line);
    ck_assert_msg(strstr(line, "point 3 (chip.tiles=16, net.bayes_last=3): layers[4]: ") &&
                      strstr(line, "needs 27"),
                  "got: %s", line);
    sweep_destroy(s);
}
END_TEST

/* ---- arch_override ---- */

START_TEST(test_override_sets_a_key_through_its_schema_row)
{
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    ck_assert_int_eq(arch_override(&a, "xbar.rows", "256", &dl), ST_OK);
    ck_assert_uint_eq(a.tile.xbar.rows, 256);
    ck_assert_int_eq(arch_override(&a, "dropout.impl", "mc_dropout", &dl), ST_OK);
    ck_assert_uint_eq(a.dropout_impl, ARCH_DROPOUT_MC_DROPOUT);
    ck_assert_int_eq(arch_override(&a, "clock.clk_mhz", "500", &dl), ST_OK);
    ck_assert(a.drng.clk_ns == 2.0); /* the derived period follows */
    ck_assert_int_eq(arch_override(&a, "name", "x: \"y\"", &dl), ST_OK);
    ck_assert_str_eq(a.name, "x: \"y\"");
    ck_assert_uint_eq(dl.n, 0);
}
END_TEST

START_TEST(test_override_bad_value_leaves_arch_unchanged)
{
    arch_t a, b;
    arch_diag_list_t dl;
    char line[512];
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_default(&a, &dl), ST_OK);
    b = a;
    ck_assert_int_eq(arch_override_at(&a, "xbar.rows", "abc", "<cmdline>", 1, 30, NULL, &dl),
                     ST_ECONFIG);
    ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
    arch_diag_format(&dl.d[0], line, sizeof line);
    ck_assert_str_eq(
        line, "<cmdline>:1:30: error: xbar.rows: expected integer in [1, 4096], got \"abc\"");
    ck_assert_int_eq(arch_override(&a, "xbar.rows", "", &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[1], line, sizeof line);
    ck_assert_str_eq(
        line, "<cmdline>: error: xbar.rows: expected integer in [1, 4096], got an empty value");
    ck_assert_int_eq(arch_override(&a, "bus.widht_bits", "8", &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[2], line, sizeof line);
    ck_assert_str_eq(line, "<cmdline>: error: unknown architecture key 'bus.widht_bits', did you "
                           "mean 'bus.width_bits'?");
    ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
}
END_TEST

Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_sweep_product_varies_last_axis_fastest);
    tcase_add_test(core, test_sweep_zip_takes_the_ith_value_of_every_axis);
    tcase_add_test(core, test_sweep_ranges_step_mul_and_numbers);
    tcase_add_test(core, test_sweep_no_axes_is_one_point_the_base);
    tcase_add_test(core, test_sweep_seed_is_splitmix64_of_master_and_index);
    tcase_add_test(core, test_sweep_child_argv_carries_overrides_and_seed);
    tcase_add_test(core, test_sweep_relative_paths_resolve_against_the_sweep_file);
    tcase_add_test(core, test_sweep_timing_from_base_or_axis_goes_to_the_child);
    tcase_add_test(core, test_override_sets_a_key_through_its_schema_row);
    tcase_add_test(core, test_sweep_net_dropout_sets_every_layer_that_has_dropout);
    tcase_add_test(core, test_sweep_net_dropout_layer_wins_over_net_dropout_in_any_axis_order);
    tcase_add_test(core, test_sweep_net_bayes_last_keeps_dropout_on_the_last_n_crossbar_layers);
    tcase_add_test(core, test_sweep_net_bayes_layers_keeps_dropout_on_the_named_layers);
    tcase_add_test(core, test_sweep_net_ids_number_workload_and_net_combinations);
    tcase_add_test(core, test_sweep_child_argv_names_the_points_network_file);
    tcase_add_test(core, test_sweep_check_map_marks_exactly_the_invalid_points);
    tcase_add_test(core, test_sweep_check_builds_each_points_network);
    tcase_add_test(core, test_sweep_bayesian_layers_example_loads_and_every_point_is_valid);
    suite_add_tcase(s, core);
    TCase *err = tcase_create("Errors");
    tcase_add_test(err, test_sweep_zip_of_unequal_lengths_is_an_error_at_the_axis);
    tcase_add_loop_test(err, test_sweep_bad_file_is_reported_at_its_line, 0,
                        (int)(sizeof bad_files / sizeof bad_files[0]));
    tcase_add_test(err, test_sweep_invalid_point_is_reported_with_its_axis_values);
    tcase_add_test(err, test_sweep_cross_field_error_points_at_the_axis_value);
    tcase_add_test(err, test_override_bad_value_leaves_arch_unchanged);
    tcase_add_test(err, test_sweep_net_dropout_on_a_network_without_dropout_is_an_error);
    suite_add_tcase(s, err);
    return s;
}
