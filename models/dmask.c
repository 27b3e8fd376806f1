/* dmask.c - row masks of a crossbar read from the dropout units of a layer (see dmask.h):
 * bit-range copies of the unit mask, one per kernel row where the layout allows. */
#include "dmask.h"

#include <stddef.h>

#include "base/bits.h"
#include "base/status.h"

uint64_t dmask_units(const dmask_geom_t *g, dmask_gran_t gran)
{
    SIM_ASSERT(g != NULL);
    switch (gran) {
    case DMASK_ROW:
        return g->rows;
    case DMASK_NEURON:
        return (uint64_t)g->cin * g->hin * g->win;
    case DMASK_CHANNEL:
        return g->cin;
    }
    SIM_BUG("unknown dropout granularity");
    return 0;
}

/* Neuron units: kernel row kh of output position (oh, ow) reads input row ih, columns
 * iw0 .. iw0 + k - 1.  The columns inside the input are consecutive pixels, so their
 * k' * cin rows are k' * cin consecutive units: one copy per kernel row, and the columns on
 * the padding are set. */
static void dmask_neuron_rows(const dmask_geom_t *g, const uint64_t *kept, uint32_t v,
                              uint64_t *out)
{
    const uint64_t cin = g->cin, k = g->k;
    const int64_t oh = v / g->wout, ow = v % g->wout;
    const int64_t iw0 = ow * (int64_t)g->stride - (int64_t)g->pad;
    /* kernel columns kw in [kw_lo, kw_hi) fall inside the input width */
    int64_t kw_lo = iw0 < 0 ? -iw0 : 0;
    int64_t kw_hi = (int64_t)g->win - iw0;
    if (kw_lo > (int64_t)k)
        kw_lo = (int64_t)k;
    if (kw_hi > (int64_t)k)
        kw_hi = (int64_t)k;
    if (kw_hi < kw_lo)
        kw_hi = kw_lo;

    for (uint64_t kh = 0; kh < k; kh++) {
        const int64_t ih = oh * (int64_t)g->stride + (int64_t)kh - (int64_t)g->pad;
        const uint64_t row0 = kh * k * cin; /* row of (kh, kw = 0, c = 0) */
        if (ih < 0 || ih >= (int64_t)g->hin) {
            bits_set(out, row0, k * cin); /* the whole kernel row is on the padding */
            continue;
        }
        bits_set(out, row0, (uint64_t)kw_lo * cin);
        if (kw_hi > kw_lo) {
            uint64_t unit = ((uint64_t)ih * g->win + (uint64_t)(iw0 + kw_lo)) * cin;
            bits_copy(out, row0 + (uint64_t)kw_lo * cin, kept, unit,
                      (uint64_t)(kw_hi - kw_lo) * cin);
        }
        bits_set(out, row0 + (uint64_t)kw_hi * cin, (k - (uint64_t)kw_hi) * cin);
    }
}

uint32_t dmask_rows(const dmask_geom_t *g, dmask_gran_t gran, const uint64_t *kept, uint32_t v,
                    uint64_t *rows_out)
{
    SIM_ASSERT(g != NULL && kept != NULL && rows_out != NULL);
    const uint32_t rows = g->rows;
    const uint32_t nw = rows / 64 + (rows % 64 != 0);

    switch (gran) {
    case DMASK_ROW:
        bits_copy(rows_out, 0, kept, 0, rows);
        break;
    case DMASK_NEURON:
        SIM_ASSERT(g->wout >= 1 && g->stride >= 1 && (uint64_t)g->k * g->k * g->cin == rows);
        dmask_neuron_rows(g, kept, v, rows_out);
        break;
    case DMASK_CHANNEL:
        SIM_ASSERT((uint64_t)g->k * g->k * g->cin == rows);
        for (uint64_t r0 = 0; r0 < rows; r0 += g->cin) /* the channel mask, k * k times */
            bits_copy(rows_out, r0, kept, 0, g->cin);
        break;
    default:
        SIM_BUG("unknown dropout granularity");
    }
    if (rows % 64)
        rows_out[nw - 1] &= bits_low(rows % 64);

    uint32_t driven = 0;
    for (uint32_t w = 0; w < nw; w++)
        driven += (uint32_t)__builtin_popcountll(rows_out[w]);
    return rows - driven;
}
