/* fuzz_workload.c - libFuzzer harness of the workload loader and the mappers.
 *
 * Every input goes through wl_load_string (diagnostics printed to /dev/null).  A network
 * that loads is mapped with wl_map_build on the default architecture and on one built-in
 * scheme architecture, with a conv strategy (0, 1 or 2), both picked from the input size
 * so each input always takes the same path.  A refusal must come with a diagnostic; a
 * map must be self-consistent (every slice on a tile the chip has, no overlap between
 * layers).  Anything else is a bug: abort. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, dirent (fuzz_util.h) */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"
#include "wl.h"
#include "wl_map.h"

#define FUZZ_NAME "fuzz_workload"
#include "fuzz_util.h"

/* The built-in architectures, loaded once. */
static const arch_t *builtin(size_t i)
{
    static arch_t a[16];
    static int loaded[16];
    if (i >= arch_builtin_count() || i >= 16)
        fail("no such built-in", NULL);
    if (!loaded[i]) {
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        if (arch_load(arch_builtin_name(i), &a[i], &dl) != ST_OK)
            fail("a built-in architecture does not load", arch_builtin_name(i));
        loaded[i] = 1;
    }
    return &a[i];
}

static void check_map(const wl_net_t *net, const arch_t *a, uint32_t strategy)
{
    wl_map_t *m = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = wl_map_build(net, a, strategy, &m, &dl);
    if (sink())
        arch_diag_print(sink(), &dl);
    if (rc != ST_OK) {
        if (rc != ST_ECONFIG && rc != ST_ENOMEM)
            fail("wl_map_build refused a loaded network with a bug status", st_str(rc));
        if (rc == ST_ECONFIG && dl.n == 0)
            fail("wl_map_build refused without a diagnostic", NULL);
        return;
    }
    if (m->n_layers != net->n_layers || m->tiles_used > a->tiles)
        fail("map sizes disagree with the network or the chip", NULL);
    uint64_t next = 0;
    for (uint32_t i = 0; i < m->n_layers; i++) {
        const wl_layer_map_t *lm = &m->layers[i];
        for (uint32_t s = 0; s < lm->n_slices; s++) {
            const wl_slice_t *sl = &lm->slices[s];
            if (sl->tile != next++ || sl->tile >= a->tiles || sl->rows == 0 || sl->cols == 0 ||
                sl->rows > a->tile.xbar.rows || sl->cols > a->tile.xbar.cols)
                fail("a slice is out of place", net->layers[i].name);
        }
    }
    if (next != m->tiles_used)
        fail("tiles_used differs from the slices", NULL);
    wl_map_destroy(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_net_t *net = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = wl_load_string("<fuzz>", (const char *)data, size, &net, &dl);
    if (sink())
        arch_diag_print(sink(), &dl);
    if (rc != ST_OK) {
        if (dl.n == 0 && rc != ST_ENOMEM)
            fail("refused without a diagnostic", NULL);
        return 0;
    }
    if (dl.n != 0)
        fail("loaded but left a diagnostic", dl.d[0].msg);
    if (net->n_layers == 0 || net->T == 0)
        fail("a loaded network has no layer or T = 0", NULL);
    uint32_t strategy = (uint32_t)(size / 16 % 3);
    check_map(net, builtin(0), strategy);
    check_map(net, builtin(1 + size % (arch_builtin_count() - 1)), strategy);
    wl_net_destroy(net);
    return 0;
}
