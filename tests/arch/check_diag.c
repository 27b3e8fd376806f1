/* check_diag.c - diagnostics: the GCC-shaped first line, the cap, notes, and the echo. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Everything arch_diag_print writes for dl. */
static char *print_to_string(const arch_diag_list_t *dl)
{
    static char buf[8192];
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    arch_diag_print(f, dl);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(test_diag_format_is_file_line_col_error_path_msg)
{
    arch_diag_list_t dl;
    char buf[512];
    arch_diag_init(&dl);
    arch_diag_add(&dl, "configs/x.yaml", 12, 7, "xbar.rows", "  rows: abc",
                  "expected integer in [%d, %d], got \"%s\"", 1, 4096, "abc");
    ck_assert_uint_eq(dl.n, 1);
    int len = arch_diag_format(&dl.d[0], buf, sizeof buf);
    ck_assert_str_eq(buf, "configs/x.yaml:12:7: error: xbar.rows: expected integer in [1, 4096], "
                          "got \"abc\"");
    ck_assert_int_eq(len, (int)strlen(buf));
}
END_TEST

START_TEST(test_diag_format_leaves_out_unknown_line_and_empty_path)
{
    arch_diag_list_t dl;
    char buf[512];
    arch_diag_init(&dl);
    arch_diag_add(&dl, "dir.yaml", 0, 0, NULL, NULL, "cannot read file: %s", "Is a directory");
    arch_diag_add(&dl, "a.yaml", 3, 0, "", NULL, "no column");
    arch_diag_format(&dl.d[0], buf, sizeof buf);
    ck_assert_str_eq(buf, "dir.yaml: error: cannot read file: Is a directory");
    arch_diag_format(&dl.d[1], buf, sizeof buf);
    ck_assert_str_eq(buf, "a.yaml:3: error: no column");
}
END_TEST

START_TEST(test_diag_keeps_at_most_max_and_counts_the_rest)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    for (int i = 0; i < ARCH_DIAG_MAX + 5; i++)
        arch_diag_add(&dl, "f", (uint32_t)i + 1, 1, "", NULL, "error %d", i);
    ck_assert_uint_eq(dl.n, ARCH_DIAG_MAX);
    ck_assert_uint_eq(dl.dropped, 5);
    ck_assert_str_eq(dl.d[ARCH_DIAG_MAX - 1].msg, "error 19");
    ck_assert_ptr_nonnull(strstr(print_to_string(&dl), "\n5 more errors not shown\n"));
}
END_TEST

START_TEST(test_diag_note_goes_to_the_last_kept_error_only)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    arch_diag_note(&dl, 1, 1, "no error yet"); /* nothing to attach to: ignored */
    arch_diag_add(&dl, "f", 5, 3, "", NULL, "duplicate key 'rows'");
    arch_diag_note(&dl, 3, 3, "first defined here");
    ck_assert_uint_eq(dl.d[0].note_line, 3);
    ck_assert_uint_eq(dl.d[0].note_col, 3);
    ck_assert_str_eq(dl.d[0].note, "first defined here");
    for (int i = 1; i < ARCH_DIAG_MAX + 1; i++)
        arch_diag_add(&dl, "f", 9, 9, "", NULL, "filler");
    ck_assert_uint_eq(dl.dropped, 1);
    arch_diag_note(&dl, 2, 2, "belongs to the dropped error");
    ck_assert_str_eq(dl.d[ARCH_DIAG_MAX - 1].note, "");
}
END_TEST

START_TEST(test_diag_print_echoes_line_caret_and_note)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    arch_diag_add(&dl, "x.yaml", 12, 9, "xbar.rows", "  rows: abc", "bad");
    arch_diag_add(&dl, "x.yaml", 5, 3, "", "  rows: 1", "duplicate key 'rows'");
    arch_diag_note(&dl, 3, 3, "first defined here");
    ck_assert_str_eq(print_to_string(&dl), "x.yaml:12:9: error: xbar.rows: bad\n"
                                           "    12 |   rows: abc\n"
                                           "       |         ^\n"
                                           "x.yaml:5:3: error: duplicate key 'rows'\n"
                                           "     5 |   rows: 1\n"
                                           "       |   ^\n"
                                           "x.yaml:3:3: note: first defined here\n");
}
END_TEST

START_TEST(test_diag_caret_counts_characters_and_keeps_tabs)
{
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    /* "\t" then "é" (two bytes, one column) then "x": the caret goes under x, column 3. */
    arch_diag_add(&dl, "t", 1, 3, "", "\t\xc3\xa9x", "m");
    ck_assert_str_eq(print_to_string(&dl), "t:1:3: error: m\n"
                                           "     1 | \t\xc3\xa9x\n"
                                           "       | \t ^\n");
}
END_TEST

START_TEST(test_diag_long_text_is_cut_at_a_character_boundary)
{
    arch_diag_list_t dl;
    char path[400] = "";
    arch_diag_init(&dl);
    for (int i = 0; i < 150; i++)
        strcat(path, "\xc3\xa9"); /* 300 bytes of two-byte characters */
    arch_diag_add(&dl, "f", 1, 1, path, path, "m");
    size_t n = strlen(dl.d[0].path);
    ck_assert_uint_eq(n, 126); /* 127 would split a character: cut to an even count */
    ck_assert_uint_eq((unsigned char)dl.d[0].path[n - 1], 0xa9);
    ck_assert_uint_eq(strlen(dl.d[0].src), 198);
}
END_TEST

Suite *diag_suite(void)
{
    Suite *s = suite_create("diag");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_diag_format_is_file_line_col_error_path_msg);
    tcase_add_test(core, test_diag_format_leaves_out_unknown_line_and_empty_path);
    tcase_add_test(core, test_diag_print_echoes_line_caret_and_note);
    tcase_add_test(core, test_diag_caret_counts_characters_and_keeps_tabs);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_diag_keeps_at_most_max_and_counts_the_rest);
    tcase_add_test(lim, test_diag_note_goes_to_the_last_kept_error_only);
    tcase_add_test(lim, test_diag_long_text_is_cut_at_a_character_boundary);
    suite_add_tcase(s, lim);
    return s;
}
