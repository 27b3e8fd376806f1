/* check_yamldoc.c - the raw YAML layer: loading and its refusals, node access with 1-based
 * marks, and the schema-table engine (ydoc_apply, defaults, value formatting). */
#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "yamldoc.h"

/* ---- helpers ---- */

static int load(const char *text, ydoc_t **d, arch_diag_list_t *dl)
{
    arch_diag_init(dl);
    return ydoc_load_string("t.yaml", text, strlen(text), d, dl);
}

/* First formatted diagnostic of dl. */
static const char *first(const arch_diag_list_t *dl)
{
    static char buf[1024];
    ck_assert_uint_ge(dl->n, 1);
    arch_diag_format(&dl->d[0], buf, sizeof buf);
    return buf;
}

/* Loads text that must be refused; returns the first diagnostic line. */
static const char *refuse(const char *text, size_t len)
{
    static arch_diag_list_t dl;
    ydoc_t *d = (ydoc_t *)&dl; /* a sentinel: must stay untouched */
    arch_diag_init(&dl);
    int rc = ydoc_load_string("t.yaml", text, len, &d, &dl);
    ck_assert_int_eq(rc, ST_ECONFIG);
    ck_assert_ptr_eq(d, (ydoc_t *)&dl);
    return first(&dl);
}

/* ---- Loading and nodes ---- */

START_TEST(test_ydoc_nodes_and_marks_are_one_based)
{
    ydoc_t *d;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("version: 1\nxbar:\n  rows: 64\nlist: [a, b]\n", &d, &dl), ST_OK);
    ck_assert_str_eq(ydoc_name(d), "t.yaml");
    int root = ydoc_root(d);
    ck_assert_int_eq(ydoc_kind(d, root), YNODE_MAP);
    ck_assert_uint_eq(ydoc_len(d, root), 3);
    int xbar = ydoc_map_get(d, root, "xbar");
    ck_assert_int_eq(ydoc_kind(d, xbar), YNODE_MAP);
    int rows = ydoc_map_get(d, xbar, "rows");
    ck_assert_str_eq(ydoc_scalar(d, rows), "64");
    uint32_t line, col;
    ydoc_mark(d, rows, &line, &col);
    ck_assert_uint_eq(line, 3);
    ck_assert_uint_eq(col, 9);
    ydoc_mark(d, ydoc_map_key(d, xbar, 0), &line, &col);
    ck_assert_uint_eq(line, 3);
    ck_assert_uint_eq(col, 3);
    int list = ydoc_map_value(d, root, 2);
    ck_assert_int_eq(ydoc_kind(d, list), YNODE_SEQ);
    ck_assert_uint_eq(ydoc_len(d, list), 2);
    ck_assert_str_eq(ydoc_scalar(d, ydoc_seq_item(d, list, 1)), "b");
    ck_assert_str_eq(ydoc_scalar(d, ydoc_map_key(d, root, 2)), "list");
    /* Out of range and wrong kinds give 0 / NULL, never a crash. */
    ck_assert_int_eq(ydoc_seq_item(d, list, 2), 0);
    ck_assert_int_eq(ydoc_map_key(d, root, 3), 0);
    ck_assert_int_eq(ydoc_map_get(d, root, "nope"), 0);
    ck_assert_int_eq(ydoc_map_get(d, list, "a"), 0);
    ck_assert_ptr_null(ydoc_scalar(d, xbar));
    ck_assert_int_eq(ydoc_kind(d, 0), YNODE_NONE);
    ck_assert_uint_eq(ydoc_len(d, rows), 0);
    ydoc_mark(d, 0, &line, &col);
    ck_assert_uint_eq(line, 0);
    ydoc_destroy(d);
    ydoc_destroy(NULL);
}
END_TEST

START_TEST(test_ydoc_error_echoes_the_node_line)
{
    ydoc_t *d;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("a: 1\nb:\n  c: zz\n", &d, &dl), ST_OK);
    int c = ydoc_map_get(d, ydoc_map_get(d, ydoc_root(d), "b"), "c");
    ydoc_error(d, c, &dl, "b.c", "bad value %d", 7);
    ck_assert_str_eq(first(&dl), "t.yaml:3:6: error: b.c: bad value 7");
    ck_assert_str_eq(dl.d[0].src, "  c: zz");
    ydoc_destroy(d);
}
END_TEST

START_TEST(test_ydoc_load_file_reads_a_file)
{
    ydoc_t *d = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_file(NS_SOURCE_DIR "/configs/default.yaml", &d, &dl), ST_OK);
    ck_assert_str_eq(ydoc_name(d), NS_SOURCE_DIR "/configs/default.yaml");
    ck_assert_str_eq(ydoc_scalar(d, ydoc_map_get(d, ydoc_root(d), "version")), "1");
    ydoc_destroy(d);
}
END_TEST

START_TEST(test_ydoc_accepts_utf8_and_crlf)
{
    ydoc_t *d;
    arch_diag_list_t dl;
    ck_assert_int_eq(load("name: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\r\nx: 1\r\n", &d, &dl),
                     ST_OK);
    ck_assert_str_eq(ydoc_scalar(d, ydoc_map_get(d, ydoc_root(d), "name")),
                     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    uint32_t line, col;
    ydoc_mark(d, ydoc_map_get(d, ydoc_root(d), "x"), &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 4);
    ydoc_destroy(d);
}
END_TEST

START_TEST(test_ydoc_aliases_within_the_bound_load)
{
    /* 5 levels of 10 aliases: 1 + 10 * (1 + 10 * ...) = 111111 nodes under e, below 1e6. */
    const char *text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
    ydoc_t *d;
    arch_diag_list_t dl;
    ck_assert_int_eq(load(text, &d, &dl), ST_OK);
    int e = ydoc_map_get(d, ydoc_root(d), "e");
    ck_assert_int_eq(ydoc_seq_item(d, e, 0), ydoc_map_get(d, ydoc_root(d), "d"));
    ydoc_destroy(d);
}
END_TEST

/* ---- Loading errors ---- */

START_TEST(test_ydoc_syntax_error_is_libyaml_problem_with_context_note)
{
    arch_diag_list_t dl;
    ydoc_t *d;
    ck_assert_int_eq(load("a: [1, 2\nb: 3\n", &d, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(first(&dl), "t.yaml:2:2: error: did not find expected ',' or ']'");
    ck_assert_str_eq(dl.d[0].src, "b: 3");
    ck_assert_str_eq(dl.d[0].note, "while parsing a flow sequence");
    ck_assert_uint_eq(dl.d[0].note_line, 1);
    ck_assert_uint_eq(dl.d[0].note_col, 4);
}
END_TEST

START_TEST(test_ydoc_tab_indentation_says_so)
{
    const char *t = "a:\n\tb: 1\n";
    ck_assert_str_eq(refuse(t, strlen(t)), "t.yaml:2:1: error: found character that cannot "
                                           "start any token; YAML indents with spaces, not tabs");
}
END_TEST

START_TEST(test_ydoc_empty_document_loads_with_root_0)
{
    /* Empty is the caller's error to word (arch/ and workloads/ expect different things). */
    static const char *const texts[] = {"", "# nothing\n\n", "\n"};
    for (int i = 0; i < 3; i++) {
        ydoc_t *d = NULL;
        arch_diag_list_t dl;
        ck_assert_int_eq(load(texts[i], &d, &dl), ST_OK);
        ck_assert_uint_eq(dl.n, 0);
        ck_assert_int_eq(ydoc_root(d), 0);
        ck_assert_int_eq(ydoc_kind(d, ydoc_root(d)), YNODE_NONE);
        ck_assert_int_eq(ydoc_map_get(d, ydoc_root(d), "version"), 0);
        ydoc_destroy(d);
    }
}
END_TEST

START_TEST(test_ydoc_duplicate_key_points_at_both)
{
    static arch_diag_list_t dl;
    ydoc_t *d;
    ck_assert_int_eq(load("x:\n  rows: 1\n  cols: 2\n  rows: 3\n  rows: 4\n", &d, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 1);
    ck_assert_str_eq(first(&dl), "t.yaml:4:3: error: duplicate key 'rows'");
    ck_assert_str_eq(dl.d[0].note, "first defined here");
    ck_assert_uint_eq(dl.d[0].note_line, 2);
    ck_assert_uint_eq(dl.d[0].note_col, 3);
}
END_TEST

START_TEST(test_ydoc_duplicate_reported_is_the_first_in_the_text)
{
    /* The outer mapping's duplicate (line 4) comes after the inner one's (line 3), but
     * the outer mapping is node 1: the report must follow the text, not node order. */
    const char *t = "a:\n  k: 1\n  k: 2\na: 3\n";
    ck_assert_str_eq(refuse(t, strlen(t)), "t.yaml:3:3: error: duplicate key 'k'");
    /* Same text, different tags or styles: still the same key. */
    const char *q = "k: 1\n'k': 2\n";
    ck_assert_str_eq(refuse(q, strlen(q)), "t.yaml:2:1: error: duplicate key 'k'");
}
END_TEST

START_TEST(test_ydoc_second_document_is_refused)
{
    const char *t = "a: 1\n---\nb: 2\n";
    ck_assert_str_eq(refuse(t, strlen(t)),
                     "t.yaml:2:1: error: expected a single document, got a second one");
}
END_TEST

START_TEST(test_ydoc_alias_bomb_is_refused)
{
    /* f expands to 1 + 10 * 111111 = 1111111 nodes, above the bound of 1000000. */
    const char *t = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    ck_assert_str_eq(refuse(t, strlen(t)),
                     "t.yaml:6:4: error: document expands to more than 1000000 nodes through "
                     "aliases");
}
END_TEST

START_TEST(test_ydoc_recursive_alias_is_refused)
{
    const char *t = "a: &a [1, *a]\n";
    ck_assert_str_eq(refuse(t, strlen(t)),
                     "t.yaml:1:4: error: alias refers to a node that contains it");
}
END_TEST

/* Byte sequences that are not UTF-8 or not allowed in YAML, each on line 2 column 4. */
static const struct {
    const char *bytes;
    const char *msg;
} bad_bytes[] = {
    {"\xff", "expected UTF-8 text, got byte 0xff"},
    {"\xe9t", "expected UTF-8 text, got byte 0xe9"},        /* Latin-1 e-acute */
    {"\xc0\xaf", "expected UTF-8 text, got byte 0xc0"},     /* overlong '/' */
    {"\xed\xa0\x80", "expected UTF-8 text, got byte 0xed"}, /* surrogate U+D800 */
    {"\xc3", "expected UTF-8 text, got byte 0xc3"},         /* cut short at the end */
    {"\x01", "expected printable text, got control character U+0001"},
    {"\x7f", "expected printable text, got control character U+007F"},
};

START_TEST(test_ydoc_bad_bytes_are_located)
{
    char text[64], want[160];
    snprintf(text, sizeof text, "a: 1\nb: %s", bad_bytes[_i].bytes);
    snprintf(want, sizeof want, "t.yaml:2:4: error: %s", bad_bytes[_i].msg);
    ck_assert_str_eq(refuse(text, strlen(text)), want);
}
END_TEST

START_TEST(test_ydoc_nul_byte_is_refused)
{
    ck_assert_str_eq(refuse("a: x\0y\n", 7),
                     "t.yaml:1:5: error: expected printable text, got control character U+0000");
}
END_TEST

START_TEST(test_ydoc_unreadable_paths_give_strerror_without_line)
{
    arch_diag_list_t dl;
    ydoc_t *d = (ydoc_t *)&dl;
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_file(NS_SOURCE_DIR "/tests", &d, &dl), ST_EIO);
    ck_assert_ptr_eq(d, (ydoc_t *)&dl);
    ck_assert_str_eq(first(&dl), NS_SOURCE_DIR "/tests: error: cannot read file: Is a directory");
    arch_diag_init(&dl);
    ck_assert_int_eq(ydoc_load_file(NS_SOURCE_DIR "/no/such.yaml", &d, &dl), ST_EIO);
    ck_assert_str_eq(first(&dl),
                     NS_SOURCE_DIR "/no/such.yaml: error: cannot read file: No such file or "
                                   "directory");
    ck_assert_uint_eq(dl.d[0].line, 0);
}
END_TEST

START_TEST(test_ydoc_load_fails_cleanly_at_every_allocation)
{
    /* Every allocation of ours fails in turn: each must give ST_ENOMEM and leak nothing
     * (the sanitizer build checks leaks), until the load succeeds. */
    const char *t = "a: &a [1, 2]\nb: *a\nc: {x: 1, y: 2, z: 3}\n";
    unsigned long n;
    int rc = ST_ENOMEM;
    for (n = 1; n < 100 && rc == ST_ENOMEM; n++) {
        ydoc_t *d = NULL;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        st_fail_alloc_at = n;
        rc = ydoc_load_string("t.yaml", t, strlen(t), &d, &dl);
        st_fail_alloc_at = 0;
        if (rc == ST_ENOMEM) {
            ck_assert_ptr_null(d);
            ck_assert_str_eq(first(&dl), "t.yaml: error: out of memory");
        }
        ydoc_destroy(d);
    }
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_uint_gt(n, 4); /* text copy, handle, name, duplicate and alias scratch */
}
END_TEST

START_TEST(test_ydoc_load_file_fails_cleanly_at_every_allocation)
{
    unsigned long n;
    int rc = ST_ENOMEM;
    for (n = 1; n < 200 && rc == ST_ENOMEM; n++) {
        ydoc_t *d = NULL;
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        st_fail_alloc_at = n;
        rc = ydoc_load_file(NS_SOURCE_DIR "/configs/default.yaml", &d, &dl);
        st_fail_alloc_at = 0;
        ydoc_destroy(d);
    }
    ck_assert_int_eq(rc, ST_OK);
    ck_assert_uint_gt(n, 3); /* the default file is larger than the first read buffer */
}
END_TEST

/* ---- Hostile input: many anchors, control characters ---- */

/* "version: 1\nx:\n  - &a0 0\n ... y:\n  - *a0\n ..." with n anchors and n aliases (freed by
 * the caller). */
static char *anchors_text(unsigned n)
{
    size_t cap = 64 + (size_t)n * 40, o = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    o += (size_t)snprintf(t + o, cap - o, "version: 1\nx:\n");
    for (unsigned i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o, "  - &a%u %u\n", i, i);
    o += (size_t)snprintf(t + o, cap - o, "y:\n");
    for (unsigned i = 0; i < n; i++)
        o += (size_t)snprintf(t + o, cap - o, "  - *a%u\n", i);
    return t;
}

static const unsigned anchor_counts[] = {1000, 16000};

/* libyaml's own composer searches a list of anchors for every anchor and alias: n^2 / 2
 * string comparisons, 128 million at n = 16000 (seconds).  Counted here instead of timed. */
START_TEST(test_ydoc_anchor_work_is_n_log_n)
{
    const unsigned n = anchor_counts[_i];
    char *t = anchors_text(n);
    ydoc_t *d;
    arch_diag_list_t dl;
    ck_assert_int_eq(load(t, &d, &dl), ST_OK);
    /* Events: stream, document and root mapping start and end (6), the scalars version, 1,
     * x and y (4), two sequences' start and end (4), n scalars and n aliases: 2n + 14.
     * Expansion visits: the root's 3 keys and 3 values (6), then n items in each sequence:
     * 2n + 6.  Sorting the 2n anchors and aliases, a bottom-up merge sort makes at most
     * 2n * ceil(log2(2n)) comparisons: ceil(log2 2000) = 11, ceil(log2 32000) = 15.
     * n = 1000: between 4020 and 4020 + 22000 = 26020; n = 16000: between 64020 and
     * 64020 + 480000 = 544020. */
    const uint64_t lo = 4ull * n + 20, hi = lo + 2ull * n * (n == 1000 ? 11 : 15);
    ck_assert_uint_ge(ydoc_test_work(d), lo);
    ck_assert_uint_le(ydoc_test_work(d), hi);
    /* Every alias is the node its anchor named: y[i] is x[i]. */
    int x = ydoc_map_get(d, ydoc_root(d), "x"), y = ydoc_map_get(d, ydoc_root(d), "y");
    ck_assert_uint_eq(ydoc_len(d, y), n);
    for (size_t i = 0; i < n; i += n / 8)
        ck_assert_int_eq(ydoc_seq_item(d, y, i), ydoc_seq_item(d, x, i));
    ck_assert_int_eq(ydoc_seq_item(d, y, n - 1), ydoc_seq_item(d, x, n - 1));
    ydoc_destroy(d);
    free(t);
}
END_TEST

START_TEST(test_ydoc_alias_as_key_and_value_is_the_anchored_node)
{
    ydoc_t *d;
    arch_diag_list_t dl;
    /* "key" anchored on a value, then used as a key and as a value; &m a mapping reused. */
    ck_assert_int_eq(load("a: &k key\nb: {*k : 1, v: *k}\nc: &m {p: 2}\nd: *m\n", &d, &dl), ST_OK);
    int root = ydoc_root(d), k = ydoc_map_get(d, root, "a"), b = ydoc_map_get(d, root, "b");
    ck_assert_int_eq(ydoc_map_key(d, b, 0), k);
    ck_assert_int_eq(ydoc_map_get(d, b, "key"), ydoc_map_value(d, b, 0));
    ck_assert_int_eq(ydoc_map_get(d, b, "v"), k);
    ck_assert_int_eq(ydoc_map_get(d, root, "d"), ydoc_map_get(d, root, "c"));
    ydoc_destroy(d);
}
END_TEST

START_TEST(test_ydoc_undefined_alias_and_duplicate_anchor_are_refused)
{
    /* An alias before its anchor names nothing, as in libyaml. */
    ck_assert_str_eq(refuse("x: [*b, &b 2]\n", 14),
                     "t.yaml:1:5: error: undefined alias '*b': no anchor of that name comes "
                     "before it");
    ck_assert_str_eq(refuse("*q\n", 3), "t.yaml:1:1: error: undefined alias '*q': no anchor of "
                                        "that name comes before it");
    /* The first problem in the text is the one reported: the undefined alias at 1:5, not
     * the syntax error at 1:9 after it. */
    ck_assert_str_eq(refuse("x: [*b, ]]\n", 11),
                     "t.yaml:1:5: error: undefined alias '*b': no anchor of that name comes "
                     "before it");
    arch_diag_list_t dl;
    ydoc_t *d = NULL;
    ck_assert_int_eq(load("x: [&a 1, &a 2]\n", &d, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:11: error: duplicate anchor '&a'");
    ck_assert_uint_eq(dl.d[0].note_line, 1);
    ck_assert_uint_eq(dl.d[0].note_col, 5);
}
END_TEST

/* Each scalar (key or value) with a control character, and its first diagnostic: the path
 * of the key or value, the value with YAML's escapes (never the raw byte). */
static const struct {
    const char *text;
    const char *want;
} controls[] = {
    {"name: \"a\\0b\"\n", /* a NUL, once silently cut to "a" */
     "t.yaml:1:7: error: name: expected text without control characters, got \"a\\0b\""},
    {"name: \"\\u0000\"\n",
     "t.yaml:1:7: error: name: expected text without control characters, got \"\\0\""},
    {"name: \"a\\nb\"\n", /* would split a CSV row */
     "t.yaml:1:7: error: name: expected text without control characters, got \"a\\nb\""},
    {"layers:\n  - {name: x}\n  - {name: \"a\\tb\"}\n",
     "t.yaml:3:12: error: layers[1].name: expected text without control characters, got "
     "\"a\\tb\""},
    {"k:\n  \"a\\x7fb\": 1\n", /* a key: the path is its mapping's */
     "t.yaml:2:3: error: k: expected text without control characters, got \"a\\x7fb\""},
    {"n: \"\\x85\"\n", "t.yaml:1:4: error: n: expected text without control characters, got "
                       "\"\\x85\""},
    {"n: [\"\\u2028\"]\n", "t.yaml:1:5: error: n[0]: expected text without control "
                           "characters, got \"\\u2028\""},
    {"n: a\tb\n", /* a raw tab inside a plain scalar */
     "t.yaml:1:4: error: n: expected text without control characters, got \"a\\tb\""},
    {"\"\\r\": 1\n", "t.yaml:1:1: error: expected text without control characters, got "
                     "\"\\r\""},
    /* 40 a's then ESC: the quote starts 16 bytes before the control, after "...". */
    {"x: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\e\"\n",
     "t.yaml:1:4: error: x: expected text without control characters, got "
     "\"...aaaaaaaaaaaaaaaa\\e\""},
};

START_TEST(test_ydoc_control_characters_in_scalars_are_refused)
{
    ck_assert_str_eq(refuse(controls[_i].text, strlen(controls[_i].text)), controls[_i].want);
}
END_TEST

/* ---- Schema tables ---- */

typedef struct ts {
    uint32_t u;
    double f;
    int b;
    uint32_t e;
    char s[64];
    uint32_t req;
} ts_t;

static const char *const colours[] = {"red", "green", "blue", NULL};
static const char *const two[] = {"none", "spindrop", NULL};

static const yfield_t tab[] = {
    {"u", YF_U32, offsetof(ts_t, u), 0, 128, NULL, 1, 4096, "row", "an integer", NULL},
    {"f", YF_F64, offsetof(ts_t, f), 0, 1.0, NULL, 0.001, 1000, "ns", "a number", NULL},
    {"b", YF_BOOL, offsetof(ts_t, b), 0, 1, NULL, 0, 0, "-", "a flag", NULL},
    {"e", YF_ENUM, offsetof(ts_t, e), 0, 1, NULL, 0, 0, "-", "a colour", colours},
    {"s", YF_STR, offsetof(ts_t, s), 0, 0, "dflt", 0, 0, "-", "a string", NULL},
};
#define NTAB (sizeof tab / sizeof tab[0])

/* Applies tab to block `blk` of text; returns the status, fills *out and dl. */
static int apply(const char *text, ts_t *out, arch_diag_list_t *dl)
{
    ydoc_t *d;
    ck_assert_int_eq(load(text, &d, dl), ST_OK);
    memset(out, 0x5a, sizeof *out);
    int rc = ydoc_apply(d, ydoc_map_get(d, ydoc_root(d), "blk"), "blk", tab, NTAB, out, NULL, dl);
    ydoc_destroy(d);
    return rc;
}

START_TEST(test_apply_fills_defaults_for_absent_keys)
{
    ts_t t;
    arch_diag_list_t dl;
    ck_assert_int_eq(apply("blk: {}\n", &t, &dl), ST_OK);
    ck_assert_uint_eq(dl.n, 0);
    ck_assert_uint_eq(t.u, 128);
    ck_assert(t.f == 1.0);
    ck_assert_int_eq(t.b, 1);
    ck_assert_uint_eq(t.e, 1);
    ck_assert_str_eq(t.s, "dflt");
    ts_t u;
    memset(&u, 0x5a, sizeof u);
    ydoc_defaults(tab, NTAB, &u);
    ck_assert_mem_eq(&t, &u, sizeof t);
}
END_TEST

START_TEST(test_apply_reads_every_type)
{
    ts_t t;
    arch_diag_list_t dl;
    ck_assert_int_eq(apply("blk:\n  u: 4096\n  f: 2.5e-3\n  b: false\n  e: blue\n"
                           "  s: \"a: b # c\"\n",
                           &t, &dl),
                     ST_OK);
    ck_assert_uint_eq(t.u, 4096);
    ck_assert(t.f == 2.5e-3);
    ck_assert_int_eq(t.b, 0);
    ck_assert_uint_eq(t.e, 2);
    ck_assert_str_eq(t.s, "a: b # c");
}
END_TEST

START_TEST(test_apply_integer_bounds_are_inclusive)
{
    ts_t t;
    arch_diag_list_t dl;
    ck_assert_int_eq(apply("blk: {u: 1}\n", &t, &dl), ST_OK);
    ck_assert_uint_eq(t.u, 1);
    ck_assert_int_eq(apply("blk: {u: 0}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.u: must be between 1 and 4096 "
                                 "inclusive, got 0");
    ck_assert_int_eq(apply("blk: {u: 4097}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.u: must be between 1 and 4096 "
                                 "inclusive, got 4097");
    ck_assert_int_eq(apply("blk: {u: 99999999999999999999999}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.u: must be between 1 and 4096 "
                                 "inclusive, got 99999999999999999999999");
    ck_assert_uint_eq(t.u, 128); /* a refused value leaves the default */
}
END_TEST

static const char *const not_integers[] = {"1.5", "-3", "1e3", "0x10", "abc", "+5", "'12 '", "[1]"};

START_TEST(test_apply_integer_is_plain_decimal_digits)
{
    ts_t t;
    arch_diag_list_t dl;
    char text[64], want[128], shown[32];
    const char *v = not_integers[_i];
    snprintf(text, sizeof text, "blk: {u: %s}\n", v);
    if (v[0] == '\'')
        snprintf(shown, sizeof shown, "\"12 \"");
    else if (v[0] == '[')
        snprintf(shown, sizeof shown, "a sequence");
    else
        snprintf(shown, sizeof shown, "\"%s\"", v);
    snprintf(want, sizeof want, "t.yaml:1:10: error: blk.u: expected integer in [1, 4096], got %s",
             shown);
    ck_assert_int_eq(apply(text, &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), want);
}
END_TEST

static const char *const not_numbers[] = {"abc",   "inf",   ".nan", "nan",
                                          "0x1p3", "1e999", "1.5x", "'' "};

START_TEST(test_apply_number_must_be_finite_decimal)
{
    ts_t t;
    arch_diag_list_t dl;
    char text[64], want[128];
    snprintf(text, sizeof text, "blk: {f: %s}\n", not_numbers[_i]);
    snprintf(want, sizeof want,
             "t.yaml:1:10: error: blk.f: expected number in [0.001, 1000], got \"%s\"",
             _i == 7 ? "" : not_numbers[_i]);
    ck_assert_int_eq(apply(text, &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), want);
}
END_TEST

START_TEST(test_apply_number_range_and_forms)
{
    ts_t t;
    arch_diag_list_t dl;
    ck_assert_int_eq(apply("blk: {f: .5}\n", &t, &dl), ST_OK);
    ck_assert(t.f == 0.5);
    ck_assert_int_eq(apply("blk: {f: 1E+2}\n", &t, &dl), ST_OK);
    ck_assert(t.f == 100.0);
    ck_assert_int_eq(apply("blk: {f: 1000}\n", &t, &dl), ST_OK);
    ck_assert(t.f == 1000.0);
    ck_assert_int_eq(apply("blk: {f: 0.0001}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.f: must be between 0.001 and 1000 "
                                 "inclusive, got 0.0001");
    ck_assert_int_eq(apply("blk: {f: -1}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.f: must be between 0.001 and 1000 "
                                 "inclusive, got -1");
}
END_TEST

START_TEST(test_apply_bool_enum_and_string_rules)
{
    ts_t t;
    arch_diag_list_t dl;
    ck_assert_int_eq(apply("blk: {b: yes}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.b: expected true or false, got \"yes\"");
    ck_assert_int_eq(apply("blk: {e: Red}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.e: expected one of red, green or blue, "
                                 "got \"Red\"");
    char text[128];
    snprintf(text, sizeof text, "blk: {s: %.63s}\n",
             "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop");
    ck_assert_int_eq(apply(text, &t, &dl), ST_OK);
    ck_assert_uint_eq(strlen(t.s), 63);
    snprintf(text, sizeof text, "blk: {s: %.64s}\n",
             "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop");
    ck_assert_int_eq(apply(text, &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.s: expected a string of at most 63 "
                                 "bytes, got 64 bytes");
    ck_assert_int_eq(apply("blk: {s: {a: 1}}\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:10: error: blk.s: expected a string, got a mapping");
}
END_TEST

START_TEST(test_apply_two_choice_enum_reads_as_or)
{
    static const yfield_t row = {"impl", YF_ENUM, 0, 0, 1, NULL, 0, 0, "-", "d", two};
    ydoc_t *d;
    arch_diag_list_t dl;
    uint32_t v = 7;
    ck_assert_int_eq(load("dropout: {impl: mc}\n", &d, &dl), ST_OK);
    int blk = ydoc_map_get(d, ydoc_root(d), "dropout");
    ck_assert_int_eq(ydoc_apply(d, blk, "dropout", &row, 1, &v, NULL, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:17: error: dropout.impl: expected none or spindrop, got "
                                 "\"mc\"");
    ck_assert_uint_eq(v, 1);
    ydoc_destroy(d);
}
END_TEST

START_TEST(test_apply_unknown_key_suggests_a_close_one)
{
    ts_t t;
    arch_diag_list_t dl;
    ck_assert_int_eq(apply("blk:\n  uu: 1\n  zzz: 2\n", &t, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 2);
    ck_assert_str_eq(first(&dl), "t.yaml:2:3: error: blk: unknown key 'uu', did you mean 'u'?");
    char buf[256];
    arch_diag_format(&dl.d[1], buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:3:3: error: blk: unknown key 'zzz'");
}
END_TEST

START_TEST(test_apply_needs_a_mapping)
{
    ts_t t;
    arch_diag_list_t dl;
    ck_assert_int_eq(apply("blk: 128\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:6: error: blk: expected a mapping, got \"128\"");
    ck_assert_uint_eq(t.u, 128); /* defaults are filled all the same */
    ck_assert_int_eq(apply("blk: [1]\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:6: error: blk: expected a mapping, got a sequence");
    ck_assert_int_eq(apply("blk:\n", &t, &dl), ST_ECONFIG);
    ck_assert_str_eq(first(&dl), "t.yaml:1:5: error: blk: expected a mapping, got an empty value");
}
END_TEST

START_TEST(test_apply_collects_every_error_and_skips_listed_keys)
{
    static const yfield_t req[] = {
        {"version", YF_U32, 0, 1, 0, NULL, 1, 1, "-", "v", NULL},
    };
    static const char *const skip[] = {"blk", NULL};
    ydoc_t *d;
    arch_diag_list_t dl;
    uint32_t v = 9;
    ck_assert_int_eq(load("blk: {}\nname: x\n", &d, &dl), ST_OK);
    ck_assert_int_eq(ydoc_apply(d, ydoc_root(d), "", req, 1, &v, skip, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 2);
    ck_assert_str_eq(first(&dl), "t.yaml:2:1: error: unknown key 'name'");
    char buf[256];
    arch_diag_format(&dl.d[1], buf, sizeof buf);
    ck_assert_str_eq(buf, "t.yaml:1:1: error: version: is required but not given");
    ydoc_destroy(d);

    ts_t t;
    ck_assert_int_eq(apply("blk: {u: x, f: y, b: z, e: w, s: [1]}\n", &t, &dl), ST_ECONFIG);
    ck_assert_uint_eq(dl.n, 5);
}
END_TEST

/* ---- Value formatting ---- */

static const double round_trip_values[] = {0.1,    1.0 / 3.0, 0.0035, 1e20,   1e-300,
                                           0.0585, 1000.0,    -0.0,   2.5e-7, 123456.789};

START_TEST(test_format_number_reads_back_exactly)
{
    static const yfield_t row = {"f", YF_F64, 0, 0, 0, NULL, 0, 0, "-", "d", NULL};
    double v = round_trip_values[_i], w;
    char buf[64];
    ydoc_format_value(&row, &v, buf, sizeof buf);
    w = strtod(buf, NULL);
    ck_assert_mem_eq(&v, &w, sizeof v);
}
END_TEST

START_TEST(test_format_value_is_shortest_yaml_text)
{
    char buf[96];
    ts_t t;
    t.f = 0.0035;
    ydoc_format_value(&tab[1], &t, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.0035");
    t.f = 1000;
    ydoc_format_value(&tab[1], &t, buf, sizeof buf);
    ck_assert_str_eq(buf, "1000");
    ydoc_defaults(tab, NTAB, &t);
    ydoc_format_value(&tab[0], &t, buf, sizeof buf);
    ck_assert_str_eq(buf, "128");
    ydoc_format_value(&tab[2], &t, buf, sizeof buf);
    ck_assert_str_eq(buf, "true");
    ydoc_format_value(&tab[3], &t, buf, sizeof buf);
    ck_assert_str_eq(buf, "green");
    strcpy(t.s, "say \"hi\"\\");
    ydoc_format_value(&tab[4], &t, buf, sizeof buf);
    ck_assert_str_eq(buf, "\"say \\\"hi\\\"\\\\\"");
    /* And the quoted text reads back as the same string. */
    char text[128];
    ts_t u;
    arch_diag_list_t dl;
    snprintf(text, sizeof text, "blk: {s: %s}\n", buf);
    ck_assert_int_eq(apply(text, &u, &dl), ST_OK);
    ck_assert_str_eq(u.s, t.s);
}
END_TEST

/* The shortest text that reads back, each worked out by hand: the digits a decimal literal
 * was written with; a double with no short decimal needs 16 or 17; a subnormal's shortest
 * has fewer digits than the 15 a normal double guarantees. */
START_TEST(test_format_number_is_the_shortest_that_reads_back)
{
    static const struct {
        double v;
        const char *text;
    } c[] = {
        {0.1, "0.1"},                       /* 1 digit */
        {93158.3, "93158.3"},               /* 6 */
        {0.300000000001, "0.300000000001"}, /* 12 */
        {1e-7, "1e-07"},                    /* %g's exponent form */
        {0.1 + 0.2, "0.30000000000000004"}, /* 17: the nearest double to 0.3 is another */
        {1.0 / 3.0, "0.3333333333333333"},  /* 16 */
        {4096, "4096"},                     /* integral: no exponent */
        {5e-324, "5e-324"},                 /* the smallest subnormal: one digit reads back */
        {1e-310, "1e-310"},                 /* a subnormal written with one digit */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char buf[40];
        ydoc_format_number(c[i].v, buf, sizeof buf);
        ck_assert_str_eq(buf, c[i].text);
    }
}
END_TEST

/* A number's text against a row, as the loader reads it and as a sweep's range values are
 * read (ydoc_number_read), and the words of a refusal (ydoc_number_msg). */
START_TEST(test_number_read_rules_and_words)
{
    const yfield_t u = {"rows", YF_U32, 0, 0, 64, NULL, 1, 4096, "-", "rows", NULL};
    const yfield_t f = {"e", YF_F64, 0, 0, 1, NULL, 0, 1e6, "pJ", "energy", NULL};
    uint32_t x = 7;
    double y = 7;
    char msg[160];
    ck_assert_int_eq(ydoc_number_read(&u, "4096", &x), 0);
    ck_assert_uint_eq(x, 4096);
    ck_assert_int_eq(ydoc_number_read(&u, "8192", &x), YDOC_NUM_RANGE);
    ck_assert_int_eq(ydoc_number_read(&u, "-3", &x), YDOC_NUM_MALFORMED);
    ck_assert_int_eq(ydoc_number_read(&u, "1e3", &x), YDOC_NUM_MALFORMED);
    ck_assert_uint_eq(x, 4096); /* untouched by a refusal */
    ck_assert_int_eq(ydoc_number_read(&f, "93158.3", &y), 0);
    ck_assert(y == 93158.3);
    ck_assert_int_eq(ydoc_number_read(&f, "0x10", &y), YDOC_NUM_MALFORMED);
    ck_assert_int_eq(ydoc_number_read(&f, "1e-310", &y), YDOC_NUM_MALFORMED); /* ERANGE */
    ck_assert_int_eq(ydoc_number_read(&f, "2e6", &y), YDOC_NUM_RANGE);
    ydoc_number_msg(&u, YDOC_NUM_RANGE, "8192", "\"8192\"", msg, sizeof msg);
    ck_assert_str_eq(msg, "must be between 1 and 4096 inclusive, got 8192");
    ydoc_number_msg(&f, YDOC_NUM_MALFORMED, "0x10", "\"0x10\"", msg, sizeof msg);
    ck_assert_str_eq(msg, "expected number in [0, 1000000], got \"0x10\"");
}
END_TEST

Suite *yamldoc_suite(void)
{
    Suite *s = suite_create("yamldoc");
    TCase *core = tcase_create("Core");
    tcase_add_test(core, test_ydoc_nodes_and_marks_are_one_based);
    tcase_add_test(core, test_ydoc_error_echoes_the_node_line);
    tcase_add_test(core, test_ydoc_load_file_reads_a_file);
    tcase_add_test(core, test_ydoc_accepts_utf8_and_crlf);
    tcase_add_test(core, test_ydoc_alias_as_key_and_value_is_the_anchored_node);
    tcase_add_test(core, test_apply_fills_defaults_for_absent_keys);
    tcase_add_test(core, test_apply_reads_every_type);
    tcase_add_loop_test(core, test_format_number_reads_back_exactly, 0,
                        (int)(sizeof round_trip_values / sizeof round_trip_values[0]));
    tcase_add_test(core, test_format_value_is_shortest_yaml_text);
    suite_add_tcase(s, core);
    TCase *lim = tcase_create("Limits");
    tcase_add_test(lim, test_ydoc_aliases_within_the_bound_load);
    tcase_add_test(lim, test_ydoc_alias_bomb_is_refused);
    tcase_add_loop_test(lim, test_ydoc_anchor_work_is_n_log_n, 0,
                        sizeof anchor_counts / sizeof anchor_counts[0]);
    tcase_add_test(lim, test_apply_integer_bounds_are_inclusive);
    tcase_add_test(lim, test_apply_number_range_and_forms);
    suite_add_tcase(s, lim);
    TCase *err = tcase_create("Errors");
    tcase_add_test(err, test_ydoc_syntax_error_is_libyaml_problem_with_context_note);
    tcase_add_test(err, test_ydoc_tab_indentation_says_so);
    tcase_add_test(err, test_ydoc_empty_document_loads_with_root_0);
    tcase_add_test(err, test_ydoc_duplicate_key_points_at_both);
    tcase_add_test(err, test_ydoc_duplicate_reported_is_the_first_in_the_text);
    tcase_add_test(err, test_ydoc_second_document_is_refused);
    tcase_add_test(err, test_ydoc_recursive_alias_is_refused);
    tcase_add_loop_test(err, test_ydoc_bad_bytes_are_located, 0,
                        (int)(sizeof bad_bytes / sizeof bad_bytes[0]));
    tcase_add_test(err, test_ydoc_nul_byte_is_refused);
    tcase_add_test(err, test_ydoc_undefined_alias_and_duplicate_anchor_are_refused);
    tcase_add_loop_test(err, test_ydoc_control_characters_in_scalars_are_refused, 0,
                        sizeof controls / sizeof controls[0]);
    tcase_add_test(err, test_ydoc_unreadable_paths_give_strerror_without_line);
    tcase_add_test(err, test_ydoc_load_fails_cleanly_at_every_allocation);
    tcase_add_test(err, test_ydoc_load_file_fails_cleanly_at_every_allocation);
    tcase_add_loop_test(err, test_apply_integer_is_plain_decimal_digits, 0,
                        (int)(sizeof not_integers / sizeof not_integers[0]));
    tcase_add_loop_test(err, test_apply_number_must_be_finite_decimal, 0,
                        (int)(sizeof not_numbers / sizeof not_numbers[0]));
    tcase_add_test(err, test_apply_bool_enum_and_string_rules);
    tcase_add_test(err, test_apply_two_choice_enum_reads_as_or);
    tcase_add_test(err, test_apply_unknown_key_suggests_a_close_one);
    tcase_add_test(err, test_apply_needs_a_mapping);
    tcase_add_test(err, test_format_number_is_the_shortest_that_reads_back);
    tcase_add_test(err, test_number_read_rules_and_words);
    tcase_add_test(err, test_apply_collects_every_error_and_skips_listed_keys);
    suite_add_tcase(s, err);
    return s;
}
