/* check_models.h - suite constructors of the models test binary and helpers the suites
 * share (Check's check_check.h). */
#ifndef NS_CHECK_MODELS_H
#define NS_CHECK_MODELS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/stat.h"

Suite *energy_suite(void);
Suite *xbar_suite(void);
Suite *wldec_suite(void);
Suite *senseamp_suite(void);
Suite *tile_suite(void);
Suite *sbuf_suite(void);
Suite *bus_suite(void);
Suite *periph_suite(void);
Suite *drng_suite(void);
Suite *arb_suite(void);
Suite *dmask_suite(void);
Suite *status_suite(void);

/* A stats struct is nothing but uint64_t counters, so a complete descriptor table has
 * exactly one row per field: distinct offsets inside the struct, aligned to 8, distinct
 * non-empty names, a known unit and a description. */
static inline void ns_check_stat_descs(const stat_desc_t *d, unsigned n, size_t stats_size)
{
    ck_assert_uint_eq(n, stats_size / sizeof(uint64_t));
    for (unsigned i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(d[i].name);
        ck_assert_uint_gt(strlen(d[i].name), 0);
        ck_assert_ptr_nonnull(d[i].desc);
        ck_assert_uint_gt(strlen(d[i].desc), 0);
        ck_assert_ptr_nonnull(d[i].unit);
        ck_assert_msg(!strcmp(d[i].unit, "count") || !strcmp(d[i].unit, "bit") ||
                          !strcmp(d[i].unit, "cycle"),
                      "stat %s has unit %s", d[i].name, d[i].unit);
        ck_assert_uint_lt(d[i].offset, stats_size);
        ck_assert_uint_eq(d[i].offset % sizeof(uint64_t), 0);
        for (unsigned j = 0; j < i; j++) {
            ck_assert_uint_ne(d[i].offset, d[j].offset);
            ck_assert_str_ne(d[i].name, d[j].name);
        }
    }
}

/* The descriptor named `name` in d[0..n).  Fails the test when no row, or more than one,
 * has that name: a check of one stat's value must not be skipped silently when the stat is
 * renamed (a loop with `if (!strcmp(...))` around the assertion would pass). */
static inline const stat_desc_t *ns_stat_desc(const stat_desc_t *d, unsigned n, const char *name)
{
    const stat_desc_t *hit = NULL;
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(d[i].name, name)) {
            ck_assert_msg(hit == NULL, "stat %s is described twice", name);
            hit = &d[i];
        }
    ck_assert_msg(hit != NULL, "no stat named %s in the descriptor table", name);
    return hit;
}

/* Value of the stat named `name` (found with ns_stat_desc) in stats struct base. */
static inline uint64_t ns_stat_value(const void *base, const stat_desc_t *d, unsigned n,
                                     const char *name)
{
    return stat_get(base, ns_stat_desc(d, n, name));
}

/* Runs create under fault injection: allocation 1, 2, ... fails until create succeeds.
 * Every failure must return ST_ENOMEM and leave *out alone (ASan reports any leak).
 * CREATE is an expression using `out_`; it evaluates to the status.  Leaves the object
 * created by the successful call in `out_` and the number of failures in `fails_`. */
#define NS_FAULT_LOOP(type, out_, fails_, CREATE)                                                  \
    do {                                                                                           \
        static int ns_sentinel_;                                                                   \
        type *const ns_untouched_ = (type *)(void *)&ns_sentinel_;                                 \
        for (unsigned long ns_n_ = 1;; ns_n_++) {                                                  \
            ck_assert_uint_lt(ns_n_, 100); /* no model allocates this often */                     \
            out_ = ns_untouched_;                                                                  \
            st_fail_alloc_at = ns_n_;                                                              \
            int ns_rc_ = (CREATE);                                                                 \
            st_fail_alloc_at = 0; /* the countdown may still be running after success */           \
            if (ns_rc_ == ST_OK) {                                                                 \
                ck_assert_ptr_ne(out_, ns_untouched_);                                             \
                fails_ = ns_n_ - 1;                                                                \
                break;                                                                             \
            }                                                                                      \
            ck_assert_int_eq(ns_rc_, ST_ENOMEM);                                                   \
            ck_assert_ptr_eq(out_, ns_untouched_);                                                 \
        }                                                                                          \
    } while (0)

#endif
