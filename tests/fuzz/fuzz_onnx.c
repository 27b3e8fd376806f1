/* fuzz_onnx.c - libFuzzer harness of the ONNX loader (workloads/wl_onnx.h).
 *
 * Every input goes through wl_onnx_load_mem (diagnostics printed to /dev/null).  A
 * refusal must come with exactly one diagnostic (ST_ENOMEM excepted) and leave both
 * outputs untouched.  A model that loads must be a consistent pair: one weight layer per
 * network layer, each crossbar layer's matrix the shape its layer maps to (conv k*k*cin x
 * cout, fc cin x cout), no bit set past `rows`, every bn value finite, the last crossbar
 * layer the only one with act NONE and `classes` its columns; and it must map
 * (wl_map_build) onto the default architecture.  Anything else is a bug: abort. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, dirent (fuzz_util.h) */

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"
#include "wl.h"
#include "wl_map.h"
#include "wl_onnx.h"

#define FUZZ_NAME "fuzz_onnx"
#include "fuzz_util.h"

static const arch_t *default_arch(void)
{
    static arch_t a;
    static int loaded;
    if (!loaded) {
        arch_diag_list_t dl;
        arch_diag_init(&dl);
        if (arch_load(arch_builtin_name(0), &a, &dl) != ST_OK)
            fail("the default architecture does not load", NULL);
        loaded = 1;
    }
    return &a;
}

static void check_pair(const wl_net_t *net, const wl_weights_t *w)
{
    uint32_t last = UINT32_MAX;
    if (net->n_layers == 0 || w->n_layers != net->n_layers || net->T == 0)
        fail("weights and network disagree in their layer count", NULL);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const wl_layer_t *l = &net->layers[i];
        const wl_layer_w_t *lw = &w->layers[i];
        if (!wl_layer_is_mvm(l)) {
            if (lw->rows || lw->cols || lw->w)
                fail("a pooling layer has weights", l->name);
            continue;
        }
        uint64_t rows = l->kind == WL_CONV ? (uint64_t)l->k * l->k * l->cin : l->cin;
        if (lw->rows != rows || lw->cols != l->cout || lw->row_words != (rows + 63) / 64 ||
            !lw->w || !lw->bn_scale || !lw->bn_bias || lw->copies != 1)
            fail("a crossbar layer's matrix is not its layer's shape", l->name);
        for (uint32_t c = 0; c < lw->cols; c++) {
            if (!isfinite(lw->bn_scale[c]) || !isfinite(lw->bn_bias[c]))
                fail("a batch-norm value is not finite", l->name);
            if (rows % 64 && lw->w[(uint64_t)c * lw->row_words + lw->row_words - 1] >> (rows % 64))
                fail("a bit past rows is set", l->name);
        }
        if (last != UINT32_MAX && w->layers[last].act != WL_ACT_SIGN)
            fail("a hidden crossbar layer is not binarised", net->layers[last].name);
        last = i;
    }
    if (last == UINT32_MAX || w->layers[last].act != WL_ACT_NONE ||
        w->classes != w->layers[last].cols)
        fail("the last crossbar layer is not the logits", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_net_t *net = NULL;
    wl_weights_t *w = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = wl_onnx_load_mem("<fuzz>.onnx", data, size, &net, &w, &dl);
    if (sink())
        arch_diag_print(sink(), &dl);
    if (rc != ST_OK) {
        if (net || w)
            fail("a refusal touched the outputs", NULL);
        if (rc != ST_ENOMEM && (rc != ST_ECONFIG || dl.n != 1))
            fail("refused without exactly one diagnostic", st_str(rc));
        return 0;
    }
    if (dl.n != 0)
        fail("loaded but left a diagnostic", dl.d[0].msg);
    check_pair(net, w);
    wl_map_t *m = NULL;
    arch_diag_init(&dl);
    rc = wl_map_build(net, default_arch(), 0, &m, &dl);
    if (rc != ST_OK && rc != ST_ECONFIG && rc != ST_ENOMEM)
        fail("wl_map_build refused a loaded network with a bug status", st_str(rc));
    if (rc == ST_ECONFIG && dl.n == 0)
        fail("wl_map_build refused without a diagnostic", NULL);
    wl_map_destroy(m);
    wl_net_destroy(net);
    wl_weights_destroy(w);
    return 0;
}
