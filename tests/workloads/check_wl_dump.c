/* check_wl_dump.c - wl_dump_yaml writes a network that loads back to the same network:
 * every built-in, and a hand-written network with shortcuts, adds, quoted names and
 * per-layer mapping and dropout; the expected text of a small one written out by hand. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "check_workloads.h"
#include "wl.h"

static char *dump(const wl_net_t *n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(wl_dump_yaml(n, f), ST_OK);
    fclose(f);
    return buf;
}

static wl_net_t *load_text(const char *text)
{
    wl_net_t *n = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = wl_load_string("dump.yaml", text, strlen(text), &n, &dl);
    if (rc != ST_OK)
        arch_diag_print(stderr, &dl);
    ck_assert_int_eq(rc, ST_OK);
    return n;
}

/* Every field the loader fills, except where it was read from. */
static void assert_same(const wl_net_t *a, const wl_net_t *b)
{
    ck_assert_str_eq(a->name, b->name);
    ck_assert_uint_eq(a->in_c, b->in_c);
    ck_assert_uint_eq(a->in_h, b->in_h);
    ck_assert_uint_eq(a->in_w, b->in_w);
    ck_assert_uint_eq(a->T, b->T);
    ck_assert_uint_eq(a->n_layers, b->n_layers);
    for (uint32_t i = 0; i < a->n_layers; i++) {
        const wl_layer_t *x = &a->layers[i], *y = &b->layers[i];
        ck_assert_str_eq(x->name, y->name);
        ck_assert_uint_eq(x->kind, y->kind);
        ck_assert_int_eq(x->input, y->input);
        ck_assert_int_eq(x->from, y->from);
        ck_assert_uint_eq(x->cin, y->cin);
        ck_assert_uint_eq(x->hin, y->hin);
        ck_assert_uint_eq(x->win, y->win);
        ck_assert_uint_eq(x->cout, y->cout);
        ck_assert_uint_eq(x->hout, y->hout);
        ck_assert_uint_eq(x->wout, y->wout);
        ck_assert_uint_eq(x->k, y->k);
        ck_assert_uint_eq(x->stride, y->stride);
        ck_assert_uint_eq(x->pad, y->pad);
        ck_assert(x->p == y->p); /* %.17g round-trips a double exactly */
        ck_assert_uint_eq(x->mapping, y->mapping);
    }
}

START_TEST(test_builtins_round_trip)
{
    for (size_t i = 0; i < wl_builtin_count(); i++) {
        wl_net_t *a = load_builtin(wl_builtin_name(i));
        char *t1 = dump(a);
        wl_net_t *b = load_text(t1);
        assert_same(a, b);
        char *t2 = dump(b);
        ck_assert_str_eq(t1, t2); /* a fixed point */
        free(t1);
        free(t2);
        wl_net_destroy(a);
        wl_net_destroy(b);
    }
}
END_TEST

START_TEST(test_small_network_text)
{
    /* shortcut input, add, a name with a quote, colon and hash, a third-of-a-probability */
    const char *src =
        "version: 1\n"
        "name: 'a \"net\": #1'\n"
        "input: {c: 2, h: 6, w: 6}\n"
        "mc_samples: 3\n"
        "layers:\n"
        "  - {name: c1, type: conv, cout: 2, k: 3, pad: 1, dropout: 0.1, mapping: 2}\n"
        "  - {name: 'p:1', type: maxpool, k: 2, stride: 2}\n"
        "  - {name: c2, type: conv, input: c1, cout: 2, k: 3, pad: 1}\n"
        "  - {name: r, type: add, from: c1}\n"
        "  - {name: f, type: fc, input: 'p:1', cout: 10}\n";
    wl_net_t *a = load_text(src);
    char *t = dump(a);
    /* written out by hand from the rules in wl_dump.c: input: only where a layer does not
     * read the previous one; k/stride/pad on windows; the defaults made explicit */
    ck_assert_str_eq(t, "version: 1\n"
                        "name: \"a \\\"net\\\": #1\"\n"
                        "input: {c: 2, h: 6, w: 6}\n"
                        "mc_samples: 3\n"
                        "layers:\n"
                        "  - {name: \"c1\", type: conv, cout: 2, k: 3, stride: 1, pad: 1, "
                        "dropout: 0.10000000000000001, mapping: 2}\n"
                        "  - {name: \"p:1\", type: maxpool, k: 2, stride: 2, pad: 0}\n"
                        "  - {name: \"c2\", type: conv, input: \"c1\", cout: 2, k: 3, stride: 1, "
                        "pad: 1}\n"
                        "  - {name: \"r\", type: add, from: \"c1\"}\n"
                        "  - {name: \"f\", type: fc, input: \"p:1\", cout: 10}\n");
    wl_net_t *b = load_text(t);
    assert_same(a, b);
    free(t);
    wl_net_destroy(a);
    wl_net_destroy(b);
}
END_TEST

Suite *wl_dump_suite(void)
{
    Suite *s = suite_create("wl_dump");
    TCase *tc = tcase_create("dump");
    tcase_add_test(tc, test_builtins_round_trip);
    tcase_add_test(tc, test_small_network_text);
    suite_add_tcase(s, tc);
    return s;
}
