/* dmask.h - which word-line pairs a crossbar read drives, from the dropout units of a
 * layer.  A conv layer's row r = kpos * cin + c (kpos = kh * k + kw) reads input channel c
 * at pixel (oh * stride + kh - pad, ow * stride + kw - pad) for the output position
 * v = oh * wout + ow; an fc layer is a 1x1 "conv" over its flattened input (cin = inputs,
 * hin = win = k = 1).  Units are bit vectors as drng_draw writes them: bit i set = unit i
 * kept, clear = dropped. */
#ifndef NS_DMASK_H
#define NS_DMASK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    DMASK_ROW = 0, /* unit i gates row i (SpinDrop): the row mask is the unit mask */
    DMASK_NEURON,  /* unit (ih * win + iw) * cin + c gates input neuron (c, ih, iw) */
    DMASK_CHANNEL  /* unit c gates every row of channel c */
} dmask_gran_t;

typedef struct dmask_geom {
    uint32_t cin, hin, win; /* input shape */
    uint32_t k, stride, pad;
    uint32_t wout; /* output width (v = oh * wout + ow) */
    uint32_t rows; /* k * k * cin */
} dmask_geom_t;

/* Units of a granularity: rows, cin * hin * win neurons, or cin channels. */
uint64_t dmask_units(const dmask_geom_t *g, dmask_gran_t gran);

/* Writes the row mask of input vector v (ceil(rows / 64) words, caller-owned; bit r set =
 * row r driven, tail bits clear) from `kept` (dmask_units bits, bit set = unit kept).
 * Rows that fall on the zero padding are driven: the pad value is a constant input, not a
 * neuron.  Returns the number of undriven rows.  No allocation; word-wide copies where the
 * layout allows (the cin rows of one kernel position are cin consecutive neuron units). */
uint32_t dmask_rows(const dmask_geom_t *g, dmask_gran_t gran, const uint64_t *kept, uint32_t v,
                    uint64_t *rows_out);

#ifdef __cplusplus
}
#endif
#endif
