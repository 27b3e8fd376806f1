/* check_configs.c - the files in the repository: every configs/<name>.yaml and
 * configs/schemes/<name>.yaml loads (the latter equal to their built-ins), every
 * tests/configs/bad/<rule>.yaml fails with exactly the first line in <rule>.expect, the
 * default file is complete and compiled in, and configs/README.md and docs/parameters.md
 * agree with the schema.  Directories are scanned, so a new file is covered by itself. */
#define _POSIX_C_SOURCE 200809L /* opendir, chdir */

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "base/status.h"

#define MAX_FILES 256

/* Sorted names in dir ending in suffix; returns the count (names are malloc'd). */
static size_t list_dir(const char *dir, const char *suffix, char *names[MAX_FILES])
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    size_t n = 0, sl = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0) {
            ck_assert_uint_lt(n, MAX_FILES);
            names[n] = malloc(l + 1);
            memcpy(names[n++], e->d_name, l + 1);
        }
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) /* insertion sort: a few dozen names */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    return n;
}

/* Whole file as a NUL-terminated string (caller frees); fails the test if unreadable. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return s;
}

static void to_source_dir(void)
{
    ck_assert_int_eq(chdir(NS_SOURCE_DIR), 0);
}

START_TEST(test_configs_bad_files_give_their_expected_first_line)
{
    char *names[MAX_FILES];
    to_source_dir();
    size_t n = list_dir("tests/configs/bad", ".yaml", names);
    ck_assert_uint_ge(n, 20);
    for (size_t i = 0; i < n; i++) {
        char path[512], exp_path[512], got[1024];
        snprintf(path, sizeof path, "tests/configs/bad/%s", names[i]);
        snprintf(exp_path, sizeof exp_path, "tests/configs/bad/%.*s.expect",
                 (int)(strlen(names[i]) - 5), names[i]);
        char *want = slurp(exp_path, NULL);
        want[strcspn(want, "\n")] = '\0';
        arch_t a;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        int rc = arch_load_file(path, &a, &dl);
        ck_assert_msg(rc != ST_OK, "%s loaded but must fail", path);
        ck_assert_msg(dl.n >= 1, "%s failed without a diagnostic", path);
        arch_diag_format(&dl.d[0], got, sizeof got);
        ck_assert_msg(strcmp(got, want) == 0, "%s:\n  got:  %s\n  want: %s", path, got, want);
        free(want);
        free(names[i]);
    }
}
END_TEST

/* A <rule>.spec file holds what `-a` is given instead of a file (an unknown built-in
 * name): arch_load of its first line fails with exactly <rule>.expect. */
START_TEST(test_configs_bad_specs_give_their_expected_first_line)
{
    char *names[MAX_FILES];
    to_source_dir();
    size_t n = list_dir("tests/configs/bad", ".spec", names);
    ck_assert_uint_ge(n, 1);
    for (size_t i = 0; i < n; i++) {
        char path[512], exp_path[512], got[1024];
        snprintf(path, sizeof path, "tests/configs/bad/%s", names[i]);
        snprintf(exp_path, sizeof exp_path, "tests/configs/bad/%.*s.expect",
                 (int)(strlen(names[i]) - 5), names[i]);
        char *spec = slurp(path, NULL), *want = slurp(exp_path, NULL);
        spec[strcspn(spec, "\n")] = '\0';
        want[strcspn(want, "\n")] = '\0';
        arch_t a;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        ck_assert_msg(arch_load(spec, &a, &dl) != ST_OK, "%s loaded but must fail", spec);
        ck_assert_msg(dl.n >= 1, "%s failed without a diagnostic", path);
        arch_diag_format(&dl.d[0], got, sizeof got);
        ck_assert_msg(strcmp(got, want) == 0, "%s:\n  got:  %s\n  want: %s", path, got, want);
        free(spec);
        free(want);
        free(names[i]);
    }
}
END_TEST

START_TEST(test_configs_every_expect_has_its_yaml)
{
    char *names[MAX_FILES];
    to_source_dir();
    size_t n = list_dir("tests/configs/bad", ".expect", names);
    ck_assert_uint_ge(n, 20);
    for (size_t i = 0; i < n; i++) {
        char path[512], spec[512];
        snprintf(path, sizeof path, "tests/configs/bad/%.*s.yaml", (int)(strlen(names[i]) - 7),
                 names[i]);
        snprintf(spec, sizeof spec, "tests/configs/bad/%.*s.spec", (int)(strlen(names[i]) - 7),
                 names[i]);
        ck_assert_msg(access(path, F_OK) == 0 || access(spec, F_OK) == 0, "%s has no %s", names[i],
                      path);
        free(names[i]);
    }
}
END_TEST

START_TEST(test_configs_examples_are_valid)
{
    char *names[MAX_FILES];
    to_source_dir();
    size_t n = list_dir("configs", ".yaml", names);
    ck_assert_uint_ge(n, 3);
    for (size_t i = 0; i < n; i++) {
        char path[512], got[1024] = "";
        snprintf(path, sizeof path, "configs/%s", names[i]);
        arch_t a;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        int rc = arch_load_file(path, &a, &dl);
        if (dl.n)
            arch_diag_format(&dl.d[0], got, sizeof got);
        ck_assert_msg(rc == ST_OK, "%s: %s", path, got);
        free(names[i]);
    }
}
END_TEST

/* Every configs/schemes/<name>.yaml loads, is the compiled-in built-in <name> byte for
 * byte, and there is one per scheme built-in (arch_builtin_name(1..9)), no more. */
START_TEST(test_configs_scheme_files_are_valid_and_compiled_in)
{
    char *names[MAX_FILES];
    to_source_dir();
    size_t n = list_dir("configs/schemes", ".yaml", names);
    ck_assert_uint_eq(n, 9);
    ck_assert_uint_eq(arch_builtin_count(), 1 + n);
    for (size_t i = 0; i < n; i++) {
        char path[512], got[1024] = "";
        snprintf(path, sizeof path, "configs/schemes/%s", names[i]);
        arch_t a;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        int rc = arch_load_file(path, &a, &dl);
        if (dl.n)
            arch_diag_format(&dl.d[0], got, sizeof got);
        ck_assert_msg(rc == ST_OK, "%s: %s", path, got);
        size_t k = 1;
        while (k < arch_builtin_count() &&
               !(strncmp(arch_builtin_name(k), names[i], strlen(names[i]) - 5) == 0 &&
                 arch_builtin_name(k)[strlen(names[i]) - 5] == '\0'))
            k++;
        ck_assert_msg(k < arch_builtin_count(), "%s is not a built-in", path);
        char *text = slurp(path, NULL);
        ck_assert_msg(strcmp(text, arch_builtin_text(k)) == 0, "%s differs from its built-in",
                      path);
        /* The file names itself after its built-in. */
        ck_assert_str_eq(a.name, arch_builtin_name(k));
        free(text);
        free(names[i]);
    }
}
END_TEST

START_TEST(test_configs_examples_say_what_they_show)
{
    arch_t a;
    arch_diag_list_t dl;
    to_source_dir();
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_file("configs/spindrop-shared.yaml", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.dropout_impl, ARCH_DROPOUT_SPINDROP);
    ck_assert_uint_eq(a.drng.share, 4);
    ck_assert_uint_eq(a.tile.xbar.rows, 256);
    ck_assert_uint_eq(a.tile.xbar.cols, 256);
    ck_assert_int_eq(arch_load_file("configs/no-dropout.yaml", &a, &dl), ST_OK);
    ck_assert_uint_eq(a.dropout_impl, ARCH_DROPOUT_NONE);
}
END_TEST

START_TEST(test_configs_default_names_every_key)
{
    ydoc_t *d;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_file(NS_SOURCE_DIR "/configs/default.yaml", &d, &dl), ST_OK);
    size_t nb;
    const arch_block_t *b = arch_blocks(&nb);
    int root = ydoc_root(d);
    for (size_t i = 0; i < nb; i++) {
        int bn = b[i].key[0] ? ydoc_map_get(d, root, b[i].key) : root;
        ck_assert_msg(bn != 0, "default.yaml lacks block %s", b[i].key);
        for (size_t j = 0; j < b[i].n_fields; j++)
            ck_assert_msg(ydoc_map_get(d, bn, b[i].fields[j].key) != 0, "default.yaml lacks %s.%s",
                          b[i].key, b[i].fields[j].key);
    }
    ydoc_destroy(d);
}
END_TEST

START_TEST(test_configs_default_is_the_compiled_in_text)
{
    size_t len;
    char *s = slurp(NS_SOURCE_DIR "/configs/default.yaml", &len);
    ck_assert_uint_eq(strlen(arch_default_text()), len);
    ck_assert_str_eq(arch_default_text(), s);
    free(s);
}
END_TEST

START_TEST(test_configs_readme_params_match_list_params)
{
    static const char begin[] = "<!-- BEGIN PARAMS -->\n", end[] = "<!-- END PARAMS -->\n";
    char *readme = slurp(NS_SOURCE_DIR "/configs/README.md", NULL);
    char *b = strstr(readme, begin);
    ck_assert_msg(b != NULL, "configs/README.md lacks the line %s", begin);
    b += strlen(begin);
    char *e = strstr(b, end);
    ck_assert_msg(e != NULL && (e == b || e[-1] == '\n'), "configs/README.md lacks the line %s",
                  end);

    FILE *f = tmpfile();
    ck_assert_int_eq(arch_list_params(f), ST_OK);
    long n = ftell(f);
    char *want = malloc((size_t)n + 1);
    rewind(f);
    ck_assert_uint_eq(fread(want, 1, (size_t)n, f), (size_t)n);
    want[n] = '\0';
    fclose(f);

    size_t have = (size_t)(e - b);
    if (have != (size_t)n || memcmp(b, want, have) != 0) {
        /* Write the README as it should be, for the maintainer to copy over. */
        const char *out = NS_BINARY_DIR "/configs-README.md";
        FILE *g = fopen(out, "wb");
        ck_assert_ptr_nonnull(g);
        fwrite(readme, 1, (size_t)(b - readme), g);
        fwrite(want, 1, (size_t)n, g);
        fputs(e, g);
        fclose(g);
        ck_abort_msg("configs/README.md is out of date with arch_list_params(); regenerate "
                     "with: cp %s %s/configs/README.md",
                     out, NS_SOURCE_DIR);
    }
    free(want);
    free(readme);
}
END_TEST

START_TEST(test_configs_parameters_doc_has_every_default)
{
    char *doc = slurp(NS_SOURCE_DIR "/docs/parameters.md", NULL);
    size_t nb;
    const arch_block_t *b = arch_blocks(&nb);
    arch_t def;
    memset(&def, 0, sizeof def);
    for (size_t i = 0; i < nb; i++) {
        ydoc_defaults(b[i].fields, b[i].n_fields, &def);
        for (size_t j = 0; j < b[i].n_fields; j++) {
            const yfield_t *r = &b[i].fields[j];
            char v[96], row[256];
            if (r->required)
                snprintf(v, sizeof v, "required");
            else
                ydoc_format_value(r, &def, v, sizeof v);
            snprintf(row, sizeof row, "\n| `%s%s%s` | %s | %s |", b[i].key, b[i].key[0] ? "." : "",
                     r->key, v, r->unit);
            ck_assert_msg(strstr(doc, row) != NULL, "docs/parameters.md lacks the row %s", row + 1);
        }
    }
    free(doc);
}
END_TEST

Suite *configs_suite(void)
{
    Suite *s = suite_create("configs");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_configs_examples_are_valid);
    tcase_add_test(core, test_configs_scheme_files_are_valid_and_compiled_in);
    tcase_add_test(core, test_configs_examples_say_what_they_show);
    tcase_add_test(core, test_configs_default_names_every_key);
    tcase_add_test(core, test_configs_default_is_the_compiled_in_text);
    tcase_add_test(core, test_configs_readme_params_match_list_params);
    tcase_add_test(core, test_configs_parameters_doc_has_every_default);
    suite_add_tcase(s, core);
    TCase *err = tcase_create("Errors");
    tcase_add_test(err, test_configs_bad_files_give_their_expected_first_line);
    tcase_add_test(err, test_configs_bad_specs_give_their_expected_first_line);
    tcase_add_test(err, test_configs_every_expect_has_its_yaml);
    suite_add_tcase(s, err);
    return s;
}
