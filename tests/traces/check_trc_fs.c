/* check_trc_fs.c - output directories: nothing follows a planted symlink, nothing is left
 * half-written, temporaries are unpredictable and cleaned, one writer per directory. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/status.h"
#include "check_main.h"
#include "trc_fs.h"

static char tmpdir[64];
static char err[512];

static void mk_tmp(void)
{
    strcpy(tmpdir, "/tmp/ns-fs-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    trc_fs_fail_at = 0;
}

static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static void path_of(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", tmpdir, rel);
}

/* Writes text to tmpdir/rel with plain stdio (the test's own files). */
static void put(const char *rel, const char *text)
{
    char p[256];
    path_of(p, sizeof p, rel);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Contents of tmpdir/rel, "" when absent (static buffer). */
static const char *get(const char *rel)
{
    static char buf[256];
    char p[256];
    path_of(p, sizeof p, rel);
    buf[0] = '\0';
    FILE *f = fopen(p, "r");
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    return buf;
}

/* Entries of dir whose name starts with '.', except . and .. */
static int hidden_entries(const char *rel)
{
    char p[256];
    path_of(p, sizeof p, rel);
    DIR *d = opendir(p);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

START_TEST(empty_path_is_refused)
{
    trc_dir_t *d = NULL;
    ck_assert_int_eq(trc_dir_open("", 1, &d, err, sizeof err), ST_EINVAL);
    ck_assert_ptr_null(d);
    ck_assert_str_eq(err, "output directory name is empty");
}
END_TEST

START_TEST(creates_parents)
{
    char p[256];
    path_of(p, sizeof p, "a/b/c");
    trc_dir_t *d = NULL;
    ck_assert_int_eq(trc_dir_open(p, 1, &d, err, sizeof err), ST_OK);
    ck_assert_str_eq(trc_dir_path(d), p);
    ck_assert_int_eq(trc_dir_write(d, "x.txt", "hello\n", 6, err, sizeof err), ST_OK);
    trc_dir_close(d);
    ck_assert_str_eq(get("a/b/c/x.txt"), "hello\n");
    ck_assert_int_eq(hidden_entries("a/b/c"), 0); /* no temporary left */
    /* without create, a missing directory is an error */
    path_of(p, sizeof p, "nope");
    ck_assert_int_eq(trc_dir_open(p, 0, &d, err, sizeof err), ST_EIO);
}
END_TEST

START_TEST(directory_that_is_a_symlink_is_refused)
{
    char p[256], t[256];
    path_of(t, sizeof t, "elsewhere");
    ck_assert_int_eq(mkdir(t, 0777), 0);
    path_of(p, sizeof p, "out");
    ck_assert_int_eq(symlink(t, p), 0);
    trc_dir_t *d = NULL;
    ck_assert_int_eq(trc_dir_open(p, 1, &d, err, sizeof err), ST_EIO);
    ck_assert_ptr_nonnull(strstr(err, "is a symbolic link"));
    /* a trailing slash does not get around it */
    strcat(p, "/");
    ck_assert_int_eq(trc_dir_open(p, 1, &d, err, sizeof err), ST_EIO);
    /* nor does a sub-directory planted as a link */
    path_of(p, sizeof p, "real");
    ck_assert_int_eq(trc_dir_open(p, 1, &d, err, sizeof err), ST_OK);
    path_of(p, sizeof p, "real/points");
    ck_assert_int_eq(symlink(t, p), 0);
    trc_dir_t *s = NULL;
    ck_assert_int_eq(trc_dir_sub(d, "points", 1, &s, err, sizeof err), ST_EIO);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(trc_dir_sub(d, "..", 1, &s, err, sizeof err), ST_EINVAL);
    ck_assert_int_eq(trc_dir_sub(d, "a/b", 1, &s, err, sizeof err), ST_EINVAL);
    trc_dir_close(d);
}
END_TEST

START_TEST(commit_replaces_a_planted_symlink_without_following_it)
{
    put("victim", "precious\n");
    char p[256], v[256];
    path_of(p, sizeof p, "out");
    ck_assert_int_eq(mkdir(p, 0777), 0);
    path_of(v, sizeof v, "victim");
    path_of(p, sizeof p, "out/layers.csv");
    ck_assert_int_eq(symlink(v, p), 0);
    path_of(p, sizeof p, "out/stderr.txt");
    ck_assert_int_eq(symlink(v, p), 0);

    trc_dir_t *d = NULL;
    path_of(p, sizeof p, "out");
    ck_assert_int_eq(trc_dir_open(p, 0, &d, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_dir_write(d, "layers.csv", "new\n", 4, err, sizeof err), ST_OK);
    int fd = -1;
    ck_assert_int_eq(trc_dir_create_fd(d, "stderr.txt", &fd, err, sizeof err), ST_OK);
    ck_assert_int_eq(write(fd, "e\n", 2), 2);
    close(fd);
    trc_dir_close(d);

    ck_assert_str_eq(get("victim"), "precious\n"); /* untouched */
    ck_assert_str_eq(get("out/layers.csv"), "new\n");
    ck_assert_str_eq(get("out/stderr.txt"), "e\n");
    struct stat st;
    path_of(p, sizeof p, "out/layers.csv");
    ck_assert_int_eq(lstat(p, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
}
END_TEST

START_TEST(temporaries_are_unpredictable_and_exclusive)
{
    char p[256];
    path_of(p, sizeof p, "out");
    trc_dir_t *d = NULL;
    ck_assert_int_eq(trc_dir_open(p, 1, &d, err, sizeof err), ST_OK);
    trc_file_t *a = NULL, *b = NULL;
    ck_assert_int_eq(trc_file_create(d, "run.json", &a, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_file_create(d, "run.json", &b, err, sizeof err), ST_OK);
    /* two temporaries of one name coexist: their names differ (neither is ".run.json.PID") */
    ck_assert_int_eq(hidden_entries("out"), 2);
    char pid_name[64];
    snprintf(pid_name, sizeof pid_name, "out/.run.json.%ld.tmp", (long)getpid());
    ck_assert_str_eq(get(pid_name), "");
    fputs("b\n", trc_file_stream(b));
    fputs("a\n", trc_file_stream(a));
    ck_assert_int_eq(trc_file_commit(b, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_file_commit(a, err, sizeof err), ST_OK);
    ck_assert_str_eq(get("out/run.json"), "a\n"); /* the last commit wins, whole */
    ck_assert_int_eq(hidden_entries("out"), 0);
    trc_dir_close(d);
}
END_TEST

START_TEST(abort_and_failed_commit_leave_nothing)
{
    char p[256];
    path_of(p, sizeof p, "out");
    trc_dir_t *d = NULL;
    ck_assert_int_eq(trc_dir_open(p, 1, &d, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_dir_write(d, "summary.csv", "old\n", 4, err, sizeof err), ST_OK);
    trc_file_t *f = NULL;
    ck_assert_int_eq(trc_file_create(d, "summary.csv", &f, err, sizeof err), ST_OK);
    fputs("half", trc_file_stream(f));
    trc_file_abort(f);
    ck_assert_str_eq(get("out/summary.csv"), "old\n");
    ck_assert_int_eq(hidden_entries("out"), 0);
    /* the disk fills at the commit: the old file stays, the error names the path */
    ck_assert_int_eq(trc_file_create(d, "summary.csv", &f, err, sizeof err), ST_OK);
    fputs("new\n", trc_file_stream(f));
    trc_fs_fail_at = 1;
    ck_assert_int_eq(trc_file_commit(f, err, sizeof err), ST_EIO);
    char want[400];
    snprintf(want, sizeof want, "%s/summary.csv: cannot write: No space left on device", p);
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(get("out/summary.csv"), "old\n");
    ck_assert_int_eq(hidden_entries("out"), 0);
    trc_dir_close(d);
}
END_TEST

START_TEST(clean_tmp_removes_only_our_leftovers)
{
    char p[256], v[256];
    path_of(p, sizeof p, "out");
    ck_assert_int_eq(mkdir(p, 0777), 0);
    put("out/.layers.csv.aB3xY9.tmp", "killed\n"); /* ours: removed */
    put("out/.stats.csv.000000.tmp", "killed\n");  /* ours: removed */
    put("out/.keep", "user\n");                    /* not ours */
    put("out/.notes.tmp", "user\n");               /* no six-character suffix */
    put("victim", "precious\n");
    path_of(v, sizeof v, "victim");
    path_of(p, sizeof p, "out/.run.json.abcdef.tmp"); /* a link: not a file we made */
    ck_assert_int_eq(symlink(v, p), 0);
    trc_dir_t *d = NULL;
    path_of(p, sizeof p, "out");
    ck_assert_int_eq(trc_dir_open(p, 0, &d, err, sizeof err), ST_OK);
    ck_assert_uint_eq(trc_dir_clean_tmp(d), 2);
    ck_assert_int_eq(hidden_entries("out"), 3);
    ck_assert_str_eq(get("victim"), "precious\n");
    trc_dir_close(d);
}
END_TEST

START_TEST(one_writer_per_directory)
{
    char p[256];
    path_of(p, sizeof p, "out");
    trc_dir_t *a = NULL, *b = NULL;
    ck_assert_int_eq(trc_dir_open(p, 1, &a, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_dir_open(p, 1, &b, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_dir_lock(a, err, sizeof err), ST_OK);
    ck_assert_int_eq(trc_dir_lock(b, err, sizeof err), ST_EIO); /* flock per open directory */
    ck_assert_ptr_nonnull(strstr(err, "in use by another neuspin process"));
    trc_dir_close(a); /* closing releases it */
    ck_assert_int_eq(trc_dir_lock(b, err, sizeof err), ST_OK);
    trc_dir_close(b);
}
END_TEST

START_TEST(read_is_bounded_and_never_follows_links)
{
    char p[256], v[256];
    path_of(p, sizeof p, "out");
    ck_assert_int_eq(mkdir(p, 0777), 0);
    put("out/a.csv", "0123456789");
    put("victim", "secret\n");
    path_of(v, sizeof v, "victim");
    path_of(p, sizeof p, "out/link.csv");
    ck_assert_int_eq(symlink(v, p), 0);
    trc_dir_t *d = NULL;
    path_of(p, sizeof p, "out");
    ck_assert_int_eq(trc_dir_open(p, 0, &d, err, sizeof err), ST_OK);
    char *buf = NULL;
    size_t n = 0;
    ck_assert_int_eq(trc_dir_read(d, "a.csv", 10, &buf, &n, err, sizeof err), ST_OK);
    ck_assert_uint_eq(n, 10);
    ck_assert_str_eq(buf, "0123456789");
    free(buf);
    buf = NULL;
    ck_assert_int_eq(trc_dir_read(d, "a.csv", 9, &buf, &n, err, sizeof err), ST_ERANGE);
    ck_assert_ptr_null(buf);
    ck_assert_int_eq(trc_dir_read(d, "link.csv", 100, &buf, &n, err, sizeof err), ST_EIO);
    ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
    ck_assert_int_eq(trc_dir_has_file(d, "a.csv"), 1);
    ck_assert_int_eq(trc_dir_has_file(d, "link.csv"), 0);
    /* a NUL byte: not a text file neuspin wrote */
    int fd = openat(trc_dir_fd(d), "nul.csv", O_WRONLY | O_CREAT | O_EXCL, 0600);
    ck_assert_int_eq(write(fd, "a\0b", 3), 3);
    close(fd);
    ck_assert_int_eq(trc_dir_read(d, "nul.csv", 100, &buf, &n, err, sizeof err), ST_EIO);
    ck_assert_ptr_null(buf);
    trc_dir_close(d);
}
END_TEST

Suite *trc_fs_suite(void)
{
    Suite *s = suite_create("trc_fs");
    TCase *tc = tcase_create("fs");
    tcase_add_checked_fixture(tc, mk_tmp, rm_tmp);
    tcase_add_test(tc, empty_path_is_refused);
    tcase_add_test(tc, creates_parents);
    tcase_add_test(tc, directory_that_is_a_symlink_is_refused);
    tcase_add_test(tc, commit_replaces_a_planted_symlink_without_following_it);
    tcase_add_test(tc, temporaries_are_unpredictable_and_exclusive);
    tcase_add_test(tc, abort_and_failed_commit_leave_nothing);
    tcase_add_test(tc, clean_tmp_removes_only_our_leftovers);
    tcase_add_test(tc, one_writer_per_directory);
    tcase_add_test(tc, read_is_bounded_and_never_follows_links);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const ns_suite_fn suites[] = {trc_fs_suite};
    return ns_check_run(suites, 1);
}
