/* ood.c - noise and rotated images (ood.h). */
#include "ood.h"

#include <math.h>

#include "drng.h"

#define OOD_TAG_NOISE 0x4f4f4400u /* "OOD": apart from every dropout-mask counter */
#define OOD_TAG_ROT 0x524f5400u   /* "ROT" */

void sim_ood_noise(uint64_t seed, uint64_t image, uint32_t n, uint8_t *out)
{
    uint32_t r[4];
    for (uint32_t i = 0; i < n; i += 16) {
        drng_philox((uint32_t)seed, (uint32_t)(seed >> 32), (uint32_t)image,
                    (uint32_t)(image >> 32), i / 16, OOD_TAG_NOISE, r);
        for (uint32_t k = 0; k < 16 && i + k < n; k++)
            out[i + k] = (uint8_t)(r[k / 4] >> (8 * (k % 4)));
    }
}

double sim_ood_angle(uint64_t seed, uint64_t image, double lo, double hi)
{
    uint32_t r[4];
    drng_philox((uint32_t)seed, (uint32_t)(seed >> 32), (uint32_t)image, (uint32_t)(image >> 32), 0,
                OOD_TAG_ROT, r);
    return lo + (hi - lo) * ((double)r[0] / 4294967295.0); /* r = 2^32 - 1 gives hi */
}

void sim_ood_rotate(const uint8_t *in, uint32_t c, uint32_t h, uint32_t w, double deg, uint8_t *out)
{
    const double a = deg * (3.14159265358979323846 / 180.0), cs = cos(a), sn = sin(a);
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            /* the source of (x, y): rotate back by -a (image y grows downwards, so a
             * counter-clockwise turn on screen is clockwise in (x, y)) */
            const double dx = x - cx, dy = y - cy;
            const double sx = cs * dx - sn * dy + cx, sy = sn * dx + cs * dy + cy;
            const long ix = lround(sx), iy = lround(sy);
            const int inside = ix >= 0 && iy >= 0 && ix < (long)w && iy < (long)h;
            for (uint32_t k = 0; k < c; k++)
                out[((size_t)k * h + y) * w + x] =
                    inside ? in[((size_t)k * h + (size_t)iy) * w + (size_t)ix] : 0;
        }
}
