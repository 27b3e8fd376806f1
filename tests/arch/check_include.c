/* check_include.c - suite "include": `!include FILE` in the raw YAML layer (yamldoc.h):
 * resolution against the including file's directory, the diagnostic chain, cycles, the
 * bounds, text loads that cannot include, and the nesting-depth bound that keeps deep
 * documents from reaching libyaml's quadratic scan.  Files are made in a scratch directory
 * per test (the tests run in forked children, so each cleans up its own). */
#define _XOPEN_SOURCE 700 /* mkdtemp, realpath, symlink */

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "base/status.h"
#include "yamldoc.h"

static char dir[64];

static void mk_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/neuspin-include-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rm_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* dir/name with the given text; returns the path (static buffer, one at a time). */
static const char *put(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0700); /* the subdirectory, when name has one */
    *slash = '/';
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

static const char *in_dir(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* First diagnostic of a load of dir/name that must fail with status want. */
static const char *refuse_file(const char *name, int want)
{
    static char buf[1024];
    arch_diag_list_t dl;
    ydoc_t *d = (ydoc_t *)&dl;
    arch_diag_init(&dl);
    int rc = ydoc_load_file(in_dir(name), &d, &dl);
    ck_assert_int_eq(rc, want);
    ck_assert_ptr_eq(d, (ydoc_t *)&dl); /* untouched on error */
    ck_assert_uint_ge(dl.n, 1);
    arch_diag_format(&dl.d[0], buf, sizeof buf);
    return buf;
}

static ydoc_t *load_file(const char *name)
{
    arch_diag_list_t dl;
    ydoc_t *d = NULL;
    arch_diag_init(&dl);
    int rc = ydoc_load_file(in_dir(name), &d, &dl);
    if (rc != ST_OK)
        arch_diag_print(stderr, &dl);
    ck_assert_int_eq(rc, ST_OK);
    return d;
}

/* "%s" of want replaced by the scratch directory (it may appear several times). */
static const char *with_dir(const char *want)
{
    static char buf[1024];
    size_t o = 0;
    for (const char *p = want; *p && o + 64 < sizeof buf; p++) {
        if (p[0] == '%' && p[1] == 's') {
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", dir);
            p++;
        } else {
            buf[o++] = *p;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* ---- Core ---- */

START_TEST(test_include_resolves_against_the_including_files_directory)
{
    mk_dir();
    put("a.yaml", "x: !include sub/b.yaml\n");
    put("sub/b.yaml", "y: !include c.yaml\n"); /* sub/c.yaml, not ./c.yaml */
    put("sub/c.yaml", "# the included list\n[1, 2]\n");
    put("c.yaml", "wrong: file\n");
    ydoc_t *d = load_file("a.yaml");
    int x = ydoc_map_get(d, ydoc_root(d), "x");
    int y = ydoc_map_get(d, x, "y");
    ck_assert_int_eq(ydoc_kind(d, y), YNODE_SEQ);
    ck_assert_uint_eq(ydoc_len(d, y), 2);
    ck_assert_str_eq(ydoc_scalar(d, ydoc_seq_item(d, y, 1)), "2");
    /* Each node keeps its own file and mark. */
    uint32_t line, col;
    ydoc_mark(d, y, &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 1);
    ck_assert_str_eq(ydoc_node_file(d, y), in_dir("sub/c.yaml"));
    ck_assert_str_eq(ydoc_node_file(d, x), in_dir("sub/b.yaml"));
    ck_assert_str_eq(ydoc_node_file(d, ydoc_root(d)), in_dir("a.yaml"));
    ck_assert_str_eq(ydoc_name(d), in_dir("a.yaml"));
    ydoc_destroy(d);
    rm_dir();
}
END_TEST

START_TEST(test_include_at_the_root_and_through_an_alias)
{
    mk_dir();
    put("root.yaml", "!include part.yaml\n");
    put("part.yaml", "k: [1, 2, 3]\n");
    put("alias.yaml", "a: &p !include part.yaml\nb: *p\n");
    ydoc_t *d = load_file("root.yaml");
    ck_assert_int_eq(ydoc_kind(d, ydoc_root(d)), YNODE_MAP);
    ck_assert_uint_eq(ydoc_len(d, ydoc_map_get(d, ydoc_root(d), "k")), 3);
    ydoc_destroy(d);
    d = load_file("alias.yaml");
    int a = ydoc_map_get(d, ydoc_root(d), "a"), b = ydoc_map_get(d, ydoc_root(d), "b");
    ck_assert_int_eq(a, b); /* one included tree, shared as an alias shares */
    ck_assert_int_eq(ydoc_kind(d, a), YNODE_MAP);
    ydoc_destroy(d);
    rm_dir();
}
END_TEST

START_TEST(test_include_builds_an_architecture)
{
    mk_dir();
    put("arch.yaml", "version: 1\nxbar: !include parts/xbar.yaml\nchip: {tiles: !include "
                     "parts/tiles.yaml}\n");
    put("parts/xbar.yaml", "rows: 256\ncols: 64\n");
    put("parts/tiles.yaml", "64\n");
    arch_t a;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_file(in_dir("arch.yaml"), &a, &dl), ST_OK);
    ck_assert_uint_eq(a.tile.xbar.rows, 256);
    ck_assert_uint_eq(a.tile.xbar.cols, 64);
    ck_assert_uint_eq(a.tiles, 64);
    rm_dir();
}
END_TEST

/* ---- Errors ---- */

START_TEST(test_include_schema_error_carries_the_chain)
{
    mk_dir();
    put("a.yaml", "version: 1\nxbar: !include sub/b.yaml\n");
    put("sub/b.yaml", "rows: 64\ncols: !include c.yaml\n");
    put("sub/c.yaml", "abc\n");
    arch_t a;
    arch_diag_list_t dl;
    char got[1024];
    arch_diag_init(&dl);
    ck_assert_int_eq(arch_load_file(in_dir("a.yaml"), &a, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_str_eq(got, with_dir("%s/sub/c.yaml:1:1: error: xbar.cols: expected integer in "
                                   "[1, 4096], got \"abc\" (included from %s/sub/b.yaml:2:7, "
                                   "from %s/a.yaml:2:7)"));
    ck_assert_str_eq(dl.d[0].src, "abc"); /* the echo is the included file's line */
    rm_dir();
}
END_TEST

START_TEST(test_include_syntax_error_in_the_included_file)
{
    mk_dir();
    put("a.yaml", "x: !include b.yaml\n");
    put("b.yaml", "k: [1, 2\n");
    /* An included file that does not parse is "not a YAML document", at libyaml's mark and
     * without its problem text or an echo of the line (see the echo test below). */
    ck_assert_str_eq(refuse_file("a.yaml", ST_ECONFIG),
                     with_dir("%s/b.yaml:2:1: error: not a YAML document (included from "
                              "%s/a.yaml:1:4)"));
    rm_dir();
}
END_TEST

START_TEST(test_include_in_text_is_refused)
{
    arch_diag_list_t dl;
    ydoc_t *d = NULL;
    char got[1024];
    arch_diag_init(&dl);
    const char *t = "x: !include b.yaml\n";
    ck_assert_int_eq(ydoc_load_string("<builtin:x>", t, strlen(t), &d, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_str_eq(got, "<builtin:x>:1:4: error: cannot include 'b.yaml': <builtin:x> is not "
                          "read from a file, so there is no directory to resolve it against");
}
END_TEST

START_TEST(test_include_cycle_is_named)
{
    mk_dir();
    put("self.yaml", "a: !include self.yaml\n");
    put("a.yaml", "x: !include b.yaml\n");
    put("b.yaml", "- !include a.yaml\n");
    ck_assert_str_eq(refuse_file("self.yaml", ST_ECONFIG),
                     with_dir("%s/self.yaml:1:4: error: include cycle: %s/self.yaml -> "
                              "%s/self.yaml"));
    ck_assert_str_eq(refuse_file("a.yaml", ST_ECONFIG),
                     with_dir("%s/b.yaml:1:3: error: include cycle: %s/a.yaml -> %s/b.yaml -> "
                              "%s/a.yaml (included from %s/a.yaml:1:4)"));
    rm_dir();
}
END_TEST

START_TEST(test_include_missing_empty_directory_and_mapping)
{
    mk_dir();
    put("missing.yaml", "x: !include nope.yaml\n");
    put("empty.yaml", "x: !include e.yaml\n");
    put("e.yaml", "# nothing but a comment\n");
    put("dir.yaml", "x: !include sub\n");
    put("sub/f.yaml", "1\n");
    put("map.yaml", "x: !include {a: 1}\n");
    put("blank.yaml", "x: !include\n");
    ck_assert_str_eq(refuse_file("missing.yaml", ST_ECONFIG),
                     with_dir("%s/missing.yaml:1:4: error: cannot include '%s/nope.yaml': No "
                              "such file or directory"));
    ck_assert_str_eq(refuse_file("empty.yaml", ST_ECONFIG),
                     with_dir("%s/empty.yaml:1:4: error: cannot include '%s/e.yaml': it holds "
                              "no document"));
    ck_assert_str_eq(refuse_file("dir.yaml", ST_ECONFIG),
                     with_dir("%s/dir.yaml:1:4: error: cannot include '%s/sub': Is a "
                              "directory"));
    ck_assert_str_eq(refuse_file("map.yaml", ST_ECONFIG),
                     with_dir("%s/map.yaml:1:4: error: !include expects a file name, got a "
                              "mapping"));
    ck_assert_str_eq(refuse_file("blank.yaml", ST_ECONFIG),
                     with_dir("%s/blank.yaml:1:4: error: !include expects a file name, got an "
                              "empty value"));
    rm_dir();
}
END_TEST

START_TEST(test_include_of_an_unreadable_file)
{
    if (geteuid() == 0)
        return; /* root reads any file whatever its mode: nothing to test */
    mk_dir();
    put("a.yaml", "x: !include secret.yaml\n");
    const char *p = put("secret.yaml", "1\n");
    ck_assert_int_eq(chmod(p, 0), 0);
    ck_assert_str_eq(refuse_file("a.yaml", ST_ECONFIG),
                     with_dir("%s/a.yaml:1:4: error: cannot include '%s/secret.yaml': "
                              "Permission denied"));
    ck_assert_str_eq(refuse_file("secret.yaml", ST_EIO),
                     with_dir("%s/secret.yaml: error: cannot read file: Permission denied"));
    rm_dir();
}
END_TEST

START_TEST(test_include_duplicate_key_brought_by_an_include)
{
    mk_dir();
    put("a.yaml", "rows: 1\n? !include k.yaml\n: 2\n");
    put("k.yaml", "rows\n");
    ck_assert_str_eq(refuse_file("a.yaml", ST_ECONFIG),
                     with_dir("%s/k.yaml:1:1: error: duplicate key 'rows' (included from "
                              "%s/a.yaml:2:3)"));
    rm_dir();
}
END_TEST

/* Every allocation of ours fails in turn over a load with two levels of includes: each
 * must give ST_ENOMEM, leave *out untouched and leak nothing (sanitizer and valgrind
 * builds check), until the load succeeds. */
START_TEST(test_include_load_fails_cleanly_at_every_allocation)
{
    mk_dir();
    put("a.yaml", "x: !include sub/b.yaml\ny: [1, 2]\n");
    put("sub/b.yaml", "p: !include c.yaml\nq: {r: 1}\n");
    put("sub/c.yaml", "[3, 4, 5]\n");
    unsigned long n;
    int rc = ST_ENOMEM;
    for (n = 1; n < 1000 && rc == ST_ENOMEM; n++) {
        ydoc_t *d = (ydoc_t *)&n;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        st_fail_alloc_at = n;
        rc = ydoc_load_file(in_dir("a.yaml"), &d, &dl);
        st_fail_alloc_at = 0;
        if (rc == ST_ENOMEM)
            ck_assert_ptr_eq(d, (ydoc_t *)&n);
        else
            ydoc_destroy(d);
    }
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_uint_gt(n, 10);
    rm_dir();
}
END_TEST

/* ---- Limits ---- */

START_TEST(test_include_nests_at_most_16_files)
{
    char name[32], text[64];
    mk_dir();
    for (int i = 0; i < 17; i++) {
        snprintf(name, sizeof name, "f%d.yaml", i);
        snprintf(text, sizeof text, "k: !include f%d.yaml\n", i + 1);
        put(name, text);
    }
    put("f17.yaml", "1\n");
    /* f0 .. f15 are 16 open files: f15's include of f16 is refused.  The chain is cut
     * where the message fills its record. */
    const char *want = with_dir("%s/f15.yaml:1:4: error: cannot include 'f16.yaml': includes "
                                "nest deeper than 16 files (included from %s/f14.yaml:1:4, "
                                "from %s/f13.yaml:1:4, from ");
    ck_assert_int_eq(strncmp(refuse_file("f0.yaml", ST_ECONFIG), want, strlen(want)), 0);
    ydoc_destroy(load_file("f2.yaml")); /* f2 .. f17: 16 files, accepted */
    rm_dir();
}
END_TEST

START_TEST(test_include_at_most_256_per_load)
{
    char text[8192] = "";
    size_t o = 0;
    mk_dir();
    put("one.yaml", "1\n");
    for (int i = 0; i < 257; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "- !include one.yaml\n");
    put("many.yaml", text);
    ck_assert_str_eq(refuse_file("many.yaml", ST_ECONFIG),
                     with_dir("%s/many.yaml:257:3: error: cannot include 'one.yaml': more than "
                              "256 includes in one load"));
    text[o - strlen("- !include one.yaml\n")] = '\0';
    put("many.yaml", text);
    ydoc_t *d = load_file("many.yaml");
    ck_assert_uint_eq(ydoc_len(d, ydoc_root(d)), 256);
    ydoc_destroy(d);
    rm_dir();
}
END_TEST

/* Nesting: 64 levels load, the 65th is refused where it opens, whether written out, in
 * block style, or reached through an alias. */
START_TEST(test_ydoc_nests_at_most_64_levels)
{
    char t[1024];
    arch_diag_list_t dl;
    ydoc_t *d = NULL;
    size_t o = 0;
    o += (size_t)snprintf(t + o, sizeof t - o, "x: ");
    for (int i = 0; i < 63; i++)
        t[o++] = '[';
    for (int i = 0; i < 63; i++)
        t[o++] = ']';
    t[o] = '\0';
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_string("t.yaml", t, o, &d, &dl), ST_OK); /* 1 + 63 levels */
    ydoc_destroy(d);

    o = (size_t)snprintf(t, sizeof t, "x: ");
    for (int i = 0; i < 64; i++)
        t[o++] = '[';
    for (int i = 0; i < 64; i++)
        t[o++] = ']';
    char got[1024];
    arch_diag_init(&dl);
    d = (ydoc_t *)&dl;
    ck_assert_int_eq(ydoc_load_string("t.yaml", t, o, &d, &dl), ST_ECONFIG);
    ck_assert_ptr_eq(d, (ydoc_t *)&dl);
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_str_eq(got, "t.yaml:1:67: error: collections nest deeper than 64 levels");

    /* 40 levels anchored, used 30 levels down: 1 + 30 + 40 = 71. */
    o = (size_t)snprintf(t, sizeof t, "a: &d ");
    for (int i = 0; i < 40; i++)
        t[o++] = '[';
    for (int i = 0; i < 40; i++)
        t[o++] = ']';
    o += (size_t)snprintf(t + o, sizeof t - o, "\nb: ");
    for (int i = 0; i < 30; i++)
        t[o++] = '[';
    o += (size_t)snprintf(t + o, sizeof t - o, "*d");
    for (int i = 0; i < 30; i++)
        t[o++] = ']';
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_string("t.yaml", t, o, &d, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_str_eq(got, "t.yaml:1:4: error: collections nest deeper than 64 levels through "
                          "aliases");
}
END_TEST

/* 10,000 nested sequences are refused at once, well inside the default 4 s test timeout,
 * where a full libyaml load would spend its time rescanning open flow levels. */
START_TEST(test_ydoc_deep_flow_nesting_is_refused_quickly)
{
    size_t n = 100000;
    char *t = malloc(2 * n + 8);
    ck_assert_ptr_nonnull(t);
    size_t o = (size_t)snprintf(t, 8, "x: ");
    memset(t + o, '[', n);
    memset(t + o + n, ']', n);
    o += 2 * n;
    arch_diag_list_t dl;
    ydoc_t *d = NULL;
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_string("t.yaml", t, o, &d, &dl), ST_ECONFIG);
    ck_assert_ptr_null(d);
    free(t);
}
END_TEST

/* ---- Confinement: the top file's directory tree, plus the include paths ---- */

/* realpath of dir/sub ("" for dir itself), for messages that show a resolved directory. */
static const char *real_dir(const char *sub)
{
    static char buf[PATH_MAX + 64];
    char path[256];
    snprintf(path, sizeof path, "%s%s%s", dir, sub[0] ? "/" : "", sub);
    ck_assert_ptr_nonnull(realpath(path, buf));
    return buf;
}

START_TEST(test_include_outside_the_top_files_tree_is_refused)
{
    mk_dir();
    put("x.yaml", "1\n");
    put("top/a.yaml", "x: !include ../x.yaml\n");
    put("top/abs.yaml", "x: !include /etc/passwd\n");
    put("top/sub/b.yaml", "y: !include ../../x.yaml\n");
    put("top/nested.yaml", "x: !include sub/b.yaml\n");
    char want[1024];
    /* ../x.yaml resolves to dir/x.yaml: outside dir/top, whose resolved path is shown. */
    snprintf(want, sizeof want,
             "%s/top/a.yaml:1:4: error: !include ../x.yaml: outside the "
             "directory tree of %s/top/a.yaml (%s); add --include-path to allow it",
             dir, dir, real_dir("top"));
    ck_assert_str_eq(refuse_file("top/a.yaml", ST_ECONFIG), want);
    /* An absolute path anywhere else: refused before the file is opened or read. */
    snprintf(want, sizeof want,
             "%s/top/abs.yaml:1:4: error: !include /etc/passwd: outside "
             "the directory tree of %s/top/abs.yaml (%s); add --include-path to allow it",
             dir, dir, real_dir("top"));
    ck_assert_str_eq(refuse_file("top/abs.yaml", ST_ECONFIG), want);
    /* A nested include is held to the top file's tree too (sub/b.yaml may reach top/, not
     * dir/). */
    snprintf(want, sizeof want,
             "%s/top/sub/b.yaml:1:4: error: !include ../../x.yaml: outside "
             "the directory tree of %s/top/nested.yaml (%s); add --include-path to allow it "
             "(included from %s/top/nested.yaml:1:4)",
             dir, dir, real_dir("top"), dir);
    ck_assert_str_eq(refuse_file("top/nested.yaml", ST_ECONFIG), want);
    rm_dir();
}
END_TEST

START_TEST(test_include_symlink_out_of_the_tree_is_refused)
{
    mk_dir();
    put("x.yaml", "1\n");
    put("top/a.yaml", "x: !include link/x.yaml\n");
    put("top/b.yaml", "x: !include file.yaml\n");
    char target[256], link[256];
    snprintf(target, sizeof target, "%s", dir);
    snprintf(link, sizeof link, "%s/top/link", dir);
    ck_assert_int_eq(symlink(target, link), 0); /* top/link -> dir */
    snprintf(target, sizeof target, "%s/x.yaml", dir);
    snprintf(link, sizeof link, "%s/top/file.yaml", dir);
    ck_assert_int_eq(symlink(target, link), 0); /* top/file.yaml -> dir/x.yaml */
    char want[1024];
    snprintf(want, sizeof want,
             "%s/top/a.yaml:1:4: error: !include link/x.yaml: outside the "
             "directory tree of %s/top/a.yaml (%s); add --include-path to allow it",
             dir, dir, real_dir("top"));
    ck_assert_str_eq(refuse_file("top/a.yaml", ST_ECONFIG), want);
    snprintf(want, sizeof want,
             "%s/top/b.yaml:1:4: error: !include file.yaml: outside the "
             "directory tree of %s/top/b.yaml (%s); add --include-path to allow it",
             dir, dir, real_dir("top"));
    ck_assert_str_eq(refuse_file("top/b.yaml", ST_ECONFIG), want);
    rm_dir();
}
END_TEST

START_TEST(test_include_dotdot_that_stays_inside_loads)
{
    mk_dir();
    put("top/a.yaml", "x: !include sub/../b.yaml\n");
    put("top/b.yaml", "7\n");
    put("top/sub/keep", "");
    ydoc_t *d = load_file("top/a.yaml");
    ck_assert_str_eq(ydoc_scalar(d, ydoc_map_get(d, ydoc_root(d), "x")), "7");
    ydoc_destroy(d);
    rm_dir();
}
END_TEST

START_TEST(test_include_path_widens_the_tree_and_clear_narrows_it)
{
    mk_dir();
    put("lib/x.yaml", "8\n");
    put("top/a.yaml", "x: !include ../lib/x.yaml\n");
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_include_path_add(in_dir("lib"), &dl), ST_OK);
    ck_assert_uint_eq(dl.n, 0);
    ydoc_t *d = load_file("top/a.yaml");
    ck_assert_str_eq(ydoc_scalar(d, ydoc_map_get(d, ydoc_root(d), "x")), "8");
    ydoc_destroy(d);
    ydoc_include_path_clear();
    ck_assert(strstr(refuse_file("top/a.yaml", ST_ECONFIG), "outside the directory tree"));
    rm_dir();
}
END_TEST

START_TEST(test_include_path_must_be_a_directory)
{
    mk_dir();
    put("f.yaml", "1\n");
    arch_diag_list_t dl;
    char got[1024];
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_include_path_add(in_dir("nope"), &dl), ST_EIO);
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_str_eq(got, with_dir("%s/nope: error: cannot use as include path: No such file "
                                   "or directory"));
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_include_path_add(in_dir("f.yaml"), &dl), ST_EIO);
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_str_eq(got, with_dir("%s/f.yaml: error: cannot use as include path: Not a "
                                   "directory"));
    rm_dir();
}
END_TEST

/* A file reached through !include that is not YAML is named with a position, never echoed:
 * !include must not be a way to print a line of some other file. */
START_TEST(test_include_of_a_file_that_is_not_yaml_is_never_echoed)
{
    mk_dir();
    put("a.yaml", "x: !include s.txt\n");
    put("s.txt", "user: pass: hunter2\n");
    put("b.yaml", "x: !include s.bin\n");
    put("s.bin", "k: \001hunter2\n");
    arch_diag_list_t dl;
    ydoc_t *d = NULL;
    char got[1024];
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_file(in_dir("a.yaml"), &d, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], got, sizeof got);
    /* libyaml stops at the second ": " (1:11) */
    ck_assert_str_eq(got, with_dir("%s/s.txt:1:11: error: not a YAML document (included from "
                                   "%s/a.yaml:1:4)"));
    ck_assert_str_eq(dl.d[0].src, "");
    ck_assert_str_eq(dl.d[0].note, "");
    ck_assert_uint_eq(dl.n, 1);
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_file(in_dir("b.yaml"), &d, &dl), ST_ECONFIG);
    arch_diag_format(&dl.d[0], got, sizeof got);
    ck_assert_str_eq(got, with_dir("%s/s.bin:1:4: error: not a YAML document (included from "
                                   "%s/b.yaml:1:4)"));
    ck_assert_str_eq(dl.d[0].src, "");
    rm_dir();
}
END_TEST

START_TEST(test_include_path_with_a_nul_is_refused)
{
    mk_dir();
    put("a.yaml", "x: !include \"b.yaml\\0.txt\"\n");
    put("b.yaml", "1\n");
    /* Once cut at the NUL and read as b.yaml. */
    ck_assert_str_eq(refuse_file("a.yaml", ST_ECONFIG),
                     with_dir("%s/a.yaml:1:4: error: x: expected text without control "
                              "characters, got \"b.yaml\\0.txt\""));
    rm_dir();
}
END_TEST

/* The read hook sees the top file, then each included file, with its bytes. */
static char hook_seen[512];
static void hook(void *ctx, const char *path, const char *bytes, size_t n)
{
    size_t o = strlen(hook_seen);
    snprintf(hook_seen + o, sizeof hook_seen - o, "%s%s=%zu", (const char *)ctx, path, n);
    (void)bytes;
}

START_TEST(test_include_read_hook_sees_every_file_read)
{
    mk_dir();
    put("a.yaml", "x: !include sub/b.yaml\n"); /* 23 bytes */
    put("sub/b.yaml", "[1, 2]\n");             /* 7 bytes */
    hook_seen[0] = '\0';
    ydoc_read_hook_set(hook, " ");
    ydoc_t *d = load_file("a.yaml");
    ydoc_read_hook_set(NULL, NULL);
    ydoc_destroy(d);
    ck_assert_str_eq(hook_seen, with_dir(" %s/a.yaml=23 %s/sub/b.yaml=7"));
    rm_dir();
}
END_TEST

Suite *include_suite(void)
{
    Suite *s = suite_create("include");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_include_resolves_against_the_including_files_directory);
    tcase_add_test(core, test_include_at_the_root_and_through_an_alias);
    tcase_add_test(core, test_include_builds_an_architecture);
    tcase_add_test(core, test_include_dotdot_that_stays_inside_loads);
    tcase_add_test(core, test_include_read_hook_sees_every_file_read);
    tcase_add_test(core, test_include_path_widens_the_tree_and_clear_narrows_it);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_include_nests_at_most_16_files);
    tcase_add_test(lim, test_include_at_most_256_per_load);
    tcase_add_test(lim, test_ydoc_nests_at_most_64_levels);
    tcase_add_test(lim, test_ydoc_deep_flow_nesting_is_refused_quickly);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_test(err, test_include_schema_error_carries_the_chain);
    tcase_add_test(err, test_include_syntax_error_in_the_included_file);
    tcase_add_test(err, test_include_in_text_is_refused);
    tcase_add_test(err, test_include_cycle_is_named);
    tcase_add_test(err, test_include_missing_empty_directory_and_mapping);
    tcase_add_test(err, test_include_of_an_unreadable_file);
    tcase_add_test(err, test_include_duplicate_key_brought_by_an_include);
    tcase_add_test(err, test_include_load_fails_cleanly_at_every_allocation);
    tcase_add_test(err, test_include_outside_the_top_files_tree_is_refused);
    tcase_add_test(err, test_include_symlink_out_of_the_tree_is_refused);
    tcase_add_test(err, test_include_path_must_be_a_directory);
    tcase_add_test(err, test_include_of_a_file_that_is_not_yaml_is_never_echoed);
    tcase_add_test(err, test_include_path_with_a_nul_is_refused);
    suite_add_tcase(s, err);
    return s;
}
