/* check_wl_schema.c - suite "wl_schema": the network file format as documented and as
 * diagnosed: workloads/README.md embeds exactly wl_list_keys() (the drift test), the
 * reference's rows say what the format does (hand-checked rows, the built-ins use only
 * documented keys), every message about a key names the keys valid there, and
 * architecture and sweep files given as networks are recognised as such. */
#define _POSIX_C_SOURCE 200809L /* opendir, chdir */

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/status.h"
#include "wl.h"
#include "yamldoc.h"

#define BEGIN_KEYS "<!-- BEGIN KEYS -->\n"
#define END_KEYS "<!-- END KEYS -->\n"

/* ---- Helpers ---- */

/* Whole file as a NUL-terminated string (caller frees); fails the test if unreadable. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* wl_list_keys() as a string (caller frees). */
static char *list_keys(void)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(wl_list_keys(f), ST_OK);
    long n = ftell(f);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    rewind(f);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* The part of text from the line starting with `heading` up to the next "### " heading
 * (caller frees); fails the test when there is no such heading. */
static char *section(const char *text, const char *heading)
{
    const char *b = strstr(text, heading), *e;
    ck_assert_msg(b != NULL, "no section %s", heading);
    e = strstr(b + 1, "\n### ");
    size_t n = e ? (size_t)(e - b) + 1 : strlen(b);
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, b, n);
    s[n] = '\0';
    return s;
}

/* Loads text that must fail with ST_ECONFIG; the first diagnostic line into buf, the
 * count of diagnostics returned. */
static uint32_t first_error(const char *name, const char *text, char *buf, size_t n)
{
    arch_diag_list_t dl;
    wl_net_t *net = NULL;
    arch_diag_init(&dl);
    ck_assert_int_eq(wl_load_string(name, text, strlen(text), &net, &dl), ST_ECONFIG);
    ck_assert_ptr_null(net);
    ck_assert_uint_gt(dl.n, 0);
    arch_diag_format(&dl.d[0], buf, n);
    return dl.n;
}

/* Loads the file at repository-relative `rel` as a network; the first diagnostic line. */
static void first_file_error(const char *rel, char *buf, size_t n)
{
    arch_diag_list_t dl;
    wl_net_t *net = NULL;
    arch_diag_init(&dl);
    ck_assert_int_eq(chdir(NS_SOURCE_DIR), 0);
    ck_assert_int_eq(wl_load_file(rel, &net, &dl), ST_ECONFIG);
    ck_assert_ptr_null(net);
    ck_assert_uint_gt(dl.n, 0);
    arch_diag_format(&dl.d[0], buf, n);
}

/* ---- Core: the documentation ---- */

START_TEST(test_wl_schema_readme_matches_wl_list_keys)
{
    char *readme = slurp(NS_SOURCE_DIR "/workloads/README.md");
    char *b = strstr(readme, BEGIN_KEYS);
    ck_assert_msg(b != NULL, "workloads/README.md lacks the line %s", BEGIN_KEYS);
    b += strlen(BEGIN_KEYS);
    char *e = strstr(b, END_KEYS);
    ck_assert_msg(e != NULL && (e == b || e[-1] == '\n'), "workloads/README.md lacks the line %s",
                  END_KEYS);
    char *want = list_keys();
    size_t have = (size_t)(e - b), n = strlen(want);
    if (have != n || memcmp(b, want, n) != 0) {
        /* The README as it should be, for the maintainer to copy over. */
        const char *out = NS_BINARY_DIR "/workloads-README.md";
        FILE *g = fopen(out, "wb");
        ck_assert_ptr_nonnull(g);
        fwrite(readme, 1, (size_t)(b - readme), g);
        fwrite(want, 1, n, g);
        fputs(e, g);
        fclose(g);
        ck_abort_msg("workloads/README.md is out of date with wl_list_keys(); regenerate with: "
                     "cp %s %s/workloads/README.md",
                     out, NS_SOURCE_DIR);
    }
    free(want);
    free(readme);
}
END_TEST

/* Rows written out by hand from the format's rules (wl.h, the README's prose). */
START_TEST(test_wl_schema_reference_rows_say_the_rules)
{
    char *all = list_keys();
    char *top = section(all, "### Top level");
    char *matrix = section(all, "### Layers:");
    char *conv = section(all, "### `type: conv`");
    char *fc = section(all, "### `type: fc`");
    char *pool = section(all, "### `type: maxpool`");
    char *add = section(all, "### `type: add`");

    /* T defaults to 20 passes, at least 1, at most 100000 */
    ck_assert_ptr_nonnull(strstr(top, "| `mc_samples` | integer | 20 | 1 | 100000 | pass |"));
    ck_assert_ptr_nonnull(strstr(top, "| `version` | integer | required | 1 | 1 | - |"));
    ck_assert_ptr_nonnull(strstr(top, "| `layers` | sequence | required |"));
    /* cout: conv and fc need it, the pools and add take none */
    ck_assert_ptr_nonnull(strstr(matrix, "| `cout` | required | required | - | - | - |\n"));
    /* from: add only, and required there */
    ck_assert_ptr_nonnull(strstr(matrix, "| `from` | - | - | - | - | required |\n"));
    /* input: optional everywhere (default: the previous layer) */
    ck_assert_ptr_nonnull(
        strstr(matrix, "| `input` | optional | optional | optional | optional | optional |\n"));
    /* a conv window steps 1 pixel unless told, at most 64 */
    ck_assert_ptr_nonnull(
        strstr(conv, "| `stride` | integer | 1 | 1 | 64 | pixel | window step |\n"));
    ck_assert_ptr_nonnull(strstr(conv, "| `k` | integer | required | 1 | 64 | pixel |"));
    ck_assert_ptr_nonnull(strstr(conv, "| `dropout` | number | 0 | 0 | 0.99 | - |"));
    /* fc: no window keys */
    ck_assert_ptr_null(strstr(fc, "| `k` |"));
    ck_assert_ptr_null(strstr(fc, "| `stride` |"));
    ck_assert_ptr_nonnull(strstr(fc, "| `cout` | integer | required | 1 | 65536 | channel |"));
    /* pools: a window, no weights, no dropout */
    ck_assert_ptr_nonnull(strstr(pool, "| `k` | integer | required |"));
    ck_assert_ptr_null(strstr(pool, "| `cout` |"));
    ck_assert_ptr_null(strstr(pool, "| `dropout` |"));
    /* add: name, type, input, from and nothing else: 4 rows + 2 header lines */
    ck_assert_ptr_nonnull(strstr(add, "| `from` | string | required | - | - | - |"));
    size_t rows = 0;
    for (const char *p = add; (p = strstr(p, "\n|")) != NULL; p++)
        rows++;
    ck_assert_uint_eq(rows, 6);
    free(top);
    free(matrix);
    free(conv);
    free(fc);
    free(pool);
    free(add);
    free(all);
}
END_TEST

/* Every key a built-in network uses is in the README, in the table of its layer's type:
 * the documentation covers what the shipped files do. */
START_TEST(test_wl_schema_builtins_use_only_documented_keys)
{
    char *readme = slurp(NS_SOURCE_DIR "/workloads/README.md");
    unsigned checked = 0;
    for (size_t b = 0; b < wl_builtin_count(); b++) {
        arch_diag_list_t dl;
        ydoc_t *d = NULL;
        const char *text = wl_builtin_text(b);
        arch_diag_init(&dl);
        ck_assert_int_eq(ydoc_load_string("b.yaml", text, strlen(text), &d, &dl), ST_OK);
        int layers = ydoc_map_get(d, ydoc_root(d), "layers");
        ck_assert_int_ne(layers, 0);
        for (size_t i = 0; i < ydoc_len(d, layers); i++) {
            int l = ydoc_seq_item(d, layers, i);
            char heading[64], row[96];
            snprintf(heading, sizeof heading, "### `type: %s`",
                     ydoc_scalar(d, ydoc_map_get(d, l, "type")));
            char *sec = section(readme, heading);
            for (size_t j = 0; j < ydoc_len(d, l); j++) {
                snprintf(row, sizeof row, "\n| `%s` |", ydoc_scalar(d, ydoc_map_key(d, l, j)));
                ck_assert_msg(strstr(sec, row) != NULL, "%s: %s of layer %zu is not under %s",
                              wl_builtin_name(b), row + 1, i, heading);
                checked++;
            }
            free(sec);
        }
        ydoc_destroy(d);
    }
    ck_assert_uint_gt(checked, 100); /* the five built-ins have hundreds of keys */
    free(readme);
}
END_TEST

/* ---- Errors: wrong kinds of file ---- */

/* configs/default.yaml: version at line 24, name 27, then the blocks clock (31:1), chip
 * (38:1), xbar (64:1) and ten more; the first three are named, then "...". */
START_TEST(test_wl_schema_default_architecture_is_refused_as_architecture)
{
    char buf[512];
    first_file_error("configs/default.yaml", buf, sizeof buf);
    ck_assert_str_eq(buf, "configs/default.yaml:31:1: error: this is an architecture file (it "
                          "has 'clock', 'chip', 'xbar', ...); give it with -a, not -w");
}
END_TEST

/* Every architecture file shipped is recognised, the short scheme files too (a name and
 * one or two blocks). */
START_TEST(test_wl_schema_every_shipped_architecture_is_recognised)
{
    static const char *const dirs[] = {"configs", "configs/schemes"};
    unsigned seen = 0;
    ck_assert_int_eq(chdir(NS_SOURCE_DIR), 0);
    for (size_t k = 0; k < 2; k++) {
        DIR *dir = opendir(dirs[k]);
        struct dirent *e;
        ck_assert_ptr_nonnull(dir);
        while ((e = readdir(dir)) != NULL) {
            size_t n = strlen(e->d_name);
            char rel[512], buf[512];
            if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0)
                continue;
            snprintf(rel, sizeof rel, "%s/%s", dirs[k], e->d_name);
            first_file_error(rel, buf, sizeof buf);
            ck_assert_msg(strstr(buf, ": error: this is an architecture file (it has '") &&
                              strstr(buf, "); give it with -a, not -w"),
                          "%s: %s", rel, buf);
            seen++;
        }
        closedir(dir);
    }
    ck_assert_uint_ge(seen, 12); /* 3 in configs/, 9 schemes */
}
END_TEST

/* configs/sweeps/example.yaml: version (11), base (14:1), mode (32:1), axes (38:1). */
START_TEST(test_wl_schema_sweep_file_is_refused_as_sweep)
{
    char buf[512];
    first_file_error("configs/sweeps/example.yaml", buf, sizeof buf);
    ck_assert_str_eq(buf, "configs/sweeps/example.yaml:14:1: error: this is a sweep file (it "
                          "has 'base', 'mode', 'axes'); run it with 'neuspin sweep FILE', not -w");
    first_file_error("configs/sweeps/lenet5-200.yaml", buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, ": error: this is a sweep file (it has '"));
}
END_TEST

/* A file with a network key is a network, whatever else it holds: the architecture block
 * is an unknown key (named as a block), and the missing input is still reported. */
START_TEST(test_wl_schema_network_keys_win_over_architecture_blocks)
{
    char buf[512];
    uint32_t n = first_error("t.yaml",
                             "version: 1\n"
                             "chip: {tiles: 4}\n"
                             "layers:\n"
                             "  - {name: f, type: fc, cout: 2}\n",
                             buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:2:1: error: unknown key 'chip' (an architecture block: it "
                          "belongs in the architecture file, given with -a); expected one of: "
                          "version, name, mc_samples, input, layers");
    ck_assert_uint_eq(n, 2); /* and input: is required but not given */
}
END_TEST

/* Nothing distinctive: no guess, the ordinary "required" errors. */
START_TEST(test_wl_schema_bare_document_is_not_called_another_kind)
{
    char buf[512];
    first_error("t.yaml", "version: 1\nname: x\n", buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:1:1: error: input: is required but not given");
}
END_TEST

/* More than three blocks: three named, then "...". */
START_TEST(test_wl_schema_architecture_names_three_blocks_then_ellipsis)
{
    char buf[512];
    first_error("a.yaml", "version: 1\nxbar: {}\ngbuf: {}\nbus: {}\nenergy: {}\n", buf, sizeof buf);
    ck_assert_str_eq(buf, "a.yaml:2:1: error: this is an architecture file (it has 'xbar', "
                          "'gbuf', 'bus', ...); give it with -a, not -w");
}
END_TEST

/* ---- Errors: keys ---- */

/* A key no layer type knows, in a layer of each type: the list is that type's keys, in
 * the table's order (name, type, input, then the type's own). */
static const struct {
    const char *type, *extra, *article, *valid;
} unknown_cases[] = {
    {"conv", ", cout: 2, k: 1", "a", "name, type, input, cout, k, stride, pad, dropout, mapping"},
    {"fc", ", cout: 2", "a", "name, type, input, cout, dropout, mapping"},
    {"maxpool", ", k: 1", "a", "name, type, input, k, stride, pad"},
    {"avgpool", ", k: 1", "an", "name, type, input, k, stride, pad"},
    {"add", ", from: a", "an", "name, type, input, from"},
};

START_TEST(test_wl_schema_unknown_key_names_the_keys_of_its_layer_type)
{
    char text[512], want[512], buf[512];
    snprintf(text, sizeof text,
             "version: 1\n"
             "input: {c: 1, h: 4, w: 4}\n"
             "layers:\n"
             "  - {name: a, type: conv, cout: 1, k: 1}\n"
             "  - {name: b, type: %s%s, zzz: 1}\n",
             unknown_cases[_i].type, unknown_cases[_i].extra);
    /* zzz: column 5 + len("{name: b, type: ") = 21 + len(type) + len(extra) + 2 */
    unsigned col =
        21 + (unsigned)(strlen(unknown_cases[_i].type) + strlen(unknown_cases[_i].extra)) + 2;
    snprintf(want, sizeof want,
             "t.yaml:5:%u: error: layers[1]: unknown key 'zzz' for %s %s layer; expected one "
             "of: %s",
             col, unknown_cases[_i].article, unknown_cases[_i].type, unknown_cases[_i].valid);
    ck_assert_uint_eq(first_error("t.yaml", text, buf, sizeof buf), 1);
    ck_assert_str_eq(buf, want);
}
END_TEST

/* A typo is suggested among the keys of the layer's type only: 'fron' is one edit from
 * 'from', which a conv layer does not take, and two from nothing a conv takes. */
START_TEST(test_wl_schema_suggestion_comes_from_the_layer_type)
{
    char buf[512];
    first_error("t.yaml",
                "version: 1\n"
                "input: {c: 1, h: 4, w: 4}\n"
                "layers:\n"
                "  - {name: a, type: conv, cout: 1, k: 1, fron: x}\n",
                buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:4:42: error: layers[0]: unknown key 'fron' for a conv layer; "
                          "expected one of: name, type, input, cout, k, stride, pad, dropout, "
                          "mapping");
    first_error("t.yaml",
                "version: 1\n"
                "input: {c: 1, h: 4, w: 4}\n"
                "layers:\n"
                "  - {name: a, type: conv, cout: 1, k: 1}\n"
                "  - {name: b, type: add, fron: a}\n",
                buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:5:26: error: layers[1]: unknown key 'fron' for an add layer "
                          "(did you mean 'from'?); expected one of: name, type, input, from");
}
END_TEST

/* A version other than 1 is reported alone, before anything else in the file. */
START_TEST(test_wl_schema_unknown_version_is_reported_alone)
{
    char buf[512];
    uint32_t n = first_error("t.yaml", "version: 3\nbogus: 1\nlayers: 7\n", buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:1:10: error: version: expected 1, got 3 (this build reads "
                          "version 1 workloads)");
    ck_assert_uint_eq(n, 1);
}
END_TEST

/* ---- Errors: shapes ---- */

START_TEST(test_wl_schema_wrong_node_shapes_say_the_expected_shape)
{
    char buf[512];
    first_error("t.yaml", "[1, 2]\n", buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:1:1: error: expected a network mapping with version, input and "
                          "layers, got a sequence");
    first_error("t.yaml",
                "version: 1\ninput: [1, 28, 28]\nlayers: [{name: f, type: fc, cout: 2}]\n", buf,
                sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:2:8: error: input: expected a mapping such as {c: 1, h: 28, w: "
                          "28}, got a sequence");
    /* a long scalar is quoted to 40 bytes, "c" followed by 39 of the 59 'x', and marked cut
     * with "..." (as the architecture's errors do: one describer, yamldoc.c) */
    first_error("t.yaml",
                "version: 1\ninput: {c: 1, h: 4, w: 4}\nlayers:\n"
                "  - cxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
                buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:4:5: error: layers[0]: expected a layer mapping such as {name: "
                          "conv1, type: conv, cout: 8, k: 3}, got "
                          "\"cxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");
}
END_TEST

/* ---- Limits ---- */

/* A full device: the reference cannot be written, and says so. */
START_TEST(test_wl_schema_list_keys_write_failure_is_eio)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        return; /* no /dev/full here: nothing to check */
    ck_assert_int_eq(wl_list_keys(f), ST_EIO);
    fclose(f);
    ck_assert_int_eq(wl_list_keys(NULL), ST_EINVAL);
}
END_TEST

Suite *wl_schema_suite(void)
{
    Suite *s = suite_create("wl_schema");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_wl_schema_readme_matches_wl_list_keys);
    tcase_add_test(core, test_wl_schema_reference_rows_say_the_rules);
    tcase_add_test(core, test_wl_schema_builtins_use_only_documented_keys);
    suite_add_tcase(s, core);

    TCase *errors = tcase_create("Errors");
    tcase_add_test(errors, test_wl_schema_default_architecture_is_refused_as_architecture);
    tcase_add_test(errors, test_wl_schema_every_shipped_architecture_is_recognised);
    tcase_add_test(errors, test_wl_schema_sweep_file_is_refused_as_sweep);
    tcase_add_test(errors, test_wl_schema_network_keys_win_over_architecture_blocks);
    tcase_add_test(errors, test_wl_schema_bare_document_is_not_called_another_kind);
    tcase_add_test(errors, test_wl_schema_architecture_names_three_blocks_then_ellipsis);
    tcase_add_loop_test(errors, test_wl_schema_unknown_key_names_the_keys_of_its_layer_type, 0,
                        (int)(sizeof unknown_cases / sizeof unknown_cases[0]));
    tcase_add_test(errors, test_wl_schema_suggestion_comes_from_the_layer_type);
    tcase_add_test(errors, test_wl_schema_unknown_version_is_reported_alone);
    tcase_add_test(errors, test_wl_schema_wrong_node_shapes_say_the_expected_shape);
    suite_add_tcase(s, errors);

    TCase *limits = tcase_create("Limits");
    tcase_add_test(limits, test_wl_schema_list_keys_write_failure_is_eio);
    suite_add_tcase(s, limits);
    return s;
}
