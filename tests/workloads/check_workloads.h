/* check_workloads.h - helpers shared by the workloads suites. */
#ifndef NS_CHECK_WORKLOADS_H
#define NS_CHECK_WORKLOADS_H

#include <check.h>
#include <stdio.h>

#include "base/status.h"
#include "wl.h"

/* Loads built-in `name`, failing the test (with its diagnostics printed) if it does not. */
static inline wl_net_t *load_builtin(const char *name)
{
    arch_diag_list_t dl;
    wl_net_t *net = NULL;
    arch_diag_init(&dl);
    int rc = wl_load_builtin(name, &net, &dl);
    if (rc != ST_OK)
        arch_diag_print(stderr, &dl);
    ck_assert_int_eq(rc, ST_OK);
    return net;
}

#endif
