/* check_cli_opt.c - the GNU command-line forms, the columns of their errors, and the help
 * made from the option table.  Columns are counted by hand on the command line as printed,
 * "neuspin" being 7 characters and every argument followed by one space. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "cli.h"
#include "cli_opt.h"

enum { O_SEED = 1, O_T, O_OUT, O_QUIET, O_P };

static const cli_opt_t opts[] = {
    {O_SEED, 0, "seed", "S", "master seed"},
    {O_T, 'T', "passes", "N", "MC passes"},
    {O_OUT, 'o', "output", "DIR", "output directory\nsecond line"},
    {O_QUIET, 'q', "quiet", NULL, "no table"},
    {O_P, 'p', NULL, "KEY=VALUE", "set a key"},
    {0, 0, NULL, NULL, NULL},
};
static const cli_cmd_t cmd = {"run", "[OPTION]... [FILE]", "Runs things.", opts, "Exit 0."};

/* stderr of the code under test goes to a file; err_text() reads it back. */
static char err_path[64];
static int saved_fd = -1;

static void capture(void)
{
    strcpy(err_path, "/tmp/ns-cliopt-XXXXXX");
    int fd = mkstemp(err_path);
    ck_assert_int_ge(fd, 0);
    fflush(stderr);
    saved_fd = dup(2);
    dup2(fd, 2);
    close(fd);
}

static const char *err_text(void)
{
    static char buf[1024];
    fflush(stderr);
    dup2(saved_fd, 2);
    close(saved_fd);
    FILE *f = fopen(err_path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    unlink(err_path);
    return buf;
}

/* Parses argv (argv[0] "neuspin", argv[1] "run") and records "id=value@col;" per item. */
static int parse(int argc, char **argv, char *out, size_t n)
{
    args_t a = {argc, argv, 2};
    cli_opt_state_t st;
    cli_opt_begin(&st, &a, &cmd);
    size_t o = 0;
    out[0] = '\0';
    for (;;) {
        const char *v;
        cli_loc_t loc;
        int id = cli_opt_next(&st, &v, &loc);
        if (id == CLI_OPT_END || id == CLI_OPT_ERROR || id == CLI_OPT_HELP)
            return id;
        o += (size_t)snprintf(out + o, n - o, "%d=%s@%u;", id, v ? v : "", cli_loc_col(&a, loc));
    }
}

#define ARGV(...)                                                                                  \
    (char *[])                                                                                     \
    {                                                                                              \
        "neuspin", "run", __VA_ARGS__, NULL                                                        \
    }
#define ARGC(...) (int)(sizeof((char *[]){"neuspin", "run", __VA_ARGS__}) / sizeof(char *))

START_TEST(long_forms)
{
    char r[512];
    /* "neuspin run --seed=7 --seed 8": --seed=7 starts at col 13, its value at 13+7 = 20;
     * the second --seed at 22, its value 8 at 29 */
    ck_assert_int_eq(
        parse(ARGC("--seed=7", "--seed", "8"), ARGV("--seed=7", "--seed", "8"), r, sizeof r),
        CLI_OPT_END);
    ck_assert_str_eq(r, "1=7@20;1=8@29;");
    ck_assert_int_eq(
        parse(ARGC("--quiet", "--output=out"), ARGV("--quiet", "--output=out"), r, sizeof r),
        CLI_OPT_END);
    ck_assert_str_eq(r, "4=@13;3=out@30;"); /* --output=out at 21, value at 21+9 */
}
END_TEST

START_TEST(short_forms_and_bundles)
{
    char r[512];
    /* -T20: value at 13+2; -T 20: value is the next argument (col 21) */
    ck_assert_int_eq(parse(ARGC("-T20", "-T", "20"), ARGV("-T20", "-T", "20"), r, sizeof r),
                     CLI_OPT_END);
    ck_assert_str_eq(r, "2=20@15;2=20@21;");
    /* -qo DIR: q at 14 (13 is the dash), o takes the next argument (col 17) */
    ck_assert_int_eq(parse(ARGC("-qo", "DIR"), ARGV("-qo", "DIR"), r, sizeof r), CLI_OPT_END);
    ck_assert_str_eq(r, "4=@14;3=DIR@17;");
    /* -qoDIR: the rest of the bundle is o's value (col 16) */
    ck_assert_int_eq(parse(ARGC("-qoDIR"), ARGV("-qoDIR"), r, sizeof r), CLI_OPT_END);
    ck_assert_str_eq(r, "4=@14;3=DIR@16;");
    /* -p with a short name only */
    ck_assert_int_eq(parse(ARGC("-pxbar.rows=64"), ARGV("-pxbar.rows=64"), r, sizeof r),
                     CLI_OPT_END);
    ck_assert_str_eq(r, "5=xbar.rows=64@15;");
}
END_TEST

START_TEST(positionals_and_double_dash)
{
    char r[512];
    /* a file first, then options; after --, "-q" is a file; "-" alone is an argument */
    ck_assert_int_eq(parse(ARGC("a.yaml", "-q", "--", "-q", "-"),
                           ARGV("a.yaml", "-q", "--", "-q", "-"), r, sizeof r),
                     CLI_OPT_END);
    ck_assert_str_eq(r, "-1=a.yaml@13;4=@21;-1=-q@26;-1=-@29;");
}
END_TEST

START_TEST(help_forms)
{
    char r[512];
    ck_assert_int_eq(parse(ARGC("--help"), ARGV("--help"), r, sizeof r), CLI_OPT_HELP);
    ck_assert_int_eq(parse(ARGC("-qh"), ARGV("-qh"), r, sizeof r), CLI_OPT_HELP);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cli_opt_help(f, &cmd);
    fclose(f);
    ck_assert_str_eq(buf, "usage: neuspin run [OPTION]... [FILE]\n\nRuns things.\n\nOptions:\n"
                          "      --seed S          master seed\n"
                          "  -T, --passes N        MC passes\n"
                          "  -o, --output DIR      output directory\n"
                          "                        second line\n"
                          "  -q, --quiet           no table\n"
                          "  -p KEY=VALUE          set a key\n"
                          "  -h, --help            print this help and exit\n"
                          "\nExit 0.\n");
    free(buf);
}
END_TEST

START_TEST(errors_name_their_column)
{
    char r[512];
    capture();
    ck_assert_int_eq(parse(ARGC("-q", "--sed=1"), ARGV("-q", "--sed=1"), r, sizeof r),
                     CLI_OPT_ERROR);
    ck_assert_str_eq(
        err_text(),
        "<cmdline>:1:16: error: unknown option '--sed' for 'run' (see 'neuspin run --help')\n");
    capture();
    ck_assert_int_eq(parse(ARGC("-qx"), ARGV("-qx"), r, sizeof r), CLI_OPT_ERROR);
    ck_assert_str_eq(
        err_text(),
        "<cmdline>:1:15: error: unknown option '-x' for 'run' (see 'neuspin run --help')\n");
    capture();
    ck_assert_int_eq(parse(ARGC("--quiet=yes"), ARGV("--quiet=yes"), r, sizeof r), CLI_OPT_ERROR);
    ck_assert_str_eq(err_text(), "<cmdline>:1:21: error: --quiet: takes no value\n");
    capture();
    ck_assert_int_eq(parse(ARGC("-o"), ARGV("-o"), r, sizeof r), CLI_OPT_ERROR);
    ck_assert_str_eq(err_text(),
                     "<cmdline>:1:13: error: -o: expected a value after it\n"); /* the dash */
    capture();
    ck_assert_int_eq(parse(ARGC("-qo"), ARGV("-qo"), r, sizeof r), CLI_OPT_ERROR);
    ck_assert_str_eq(err_text(),
                     "<cmdline>:1:15: error: -o: expected a value after it\n"); /* the o of -qo */
    capture();
    ck_assert_int_eq(parse(ARGC("--output", ""), ARGV("--output", ""), r, sizeof r), CLI_OPT_ERROR);
    ck_assert_str_eq(err_text(),
                     "<cmdline>:1:22: error: --output: expected a value, got an empty string\n");
    capture();
    ck_assert_int_eq(parse(ARGC("--output="), ARGV("--output="), r, sizeof r), CLI_OPT_ERROR);
    ck_assert_str_eq(err_text(),
                     "<cmdline>:1:22: error: --output: expected a value, got an empty string\n");
}
END_TEST

START_TEST(u64_values_without_wraparound)
{
    args_t a = {3, ARGV("--seed=x"), 2};
    cli_loc_t loc = {2, 7};
    uint64_t v = 0;
    ck_assert_int_eq(cli_loc_u64(&a, loc, "--seed", "18446744073709551615", 0, UINT64_MAX, &v),
                     CLI_OK);
    ck_assert(v == UINT64_MAX);
    capture();
    ck_assert_int_eq(cli_loc_u64(&a, loc, "--seed", "18446744073709551616", 0, UINT64_MAX, &v),
                     CLI_EUSAGE);
    ck_assert_str_eq(err_text(), "<cmdline>:1:20: error: --seed: expected integer in [0, "
                                 "18446744073709551615], got \"18446744073709551616\"\n");
    capture();
    ck_assert_int_eq(cli_loc_u64(&a, loc, "-T", "0", 1, 100000, &v), CLI_EUSAGE);
    ck_assert_str_eq(err_text(),
                     "<cmdline>:1:20: error: -T: expected integer in [1, 100000], got \"0\"\n");
    static const char *const modes[] = {"event", "cycle", "analytic", NULL};
    int m = -1;
    ck_assert_int_eq(cli_loc_choice(&a, loc, "--timing", "analytic", modes, &m), CLI_OK);
    ck_assert_int_eq(m, 2);
    capture();
    ck_assert_int_eq(cli_loc_choice(&a, loc, "--timing", "fast", modes, &m), CLI_EUSAGE);
    ck_assert_str_eq(err_text(), "<cmdline>:1:20: error: --timing: expected one of event, cycle or "
                                 "analytic, got \"fast\"\n");
}
END_TEST

Suite *cli_opt_suite(void)
{
    Suite *s = suite_create("cli_opt");
    TCase *tc = tcase_create("opt");
    tcase_add_test(tc, long_forms);
    tcase_add_test(tc, short_forms_and_bundles);
    tcase_add_test(tc, positionals_and_double_dash);
    tcase_add_test(tc, help_forms);
    tcase_add_test(tc, errors_name_their_column);
    tcase_add_test(tc, u64_values_without_wraparound);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const ns_suite_fn suites[] = {cli_opt_suite};
    return ns_check_run(suites, 1);
}
