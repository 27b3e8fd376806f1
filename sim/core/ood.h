/* ood.h - out-of-distribution inputs for `neuspin eval`: uniform-noise images and randomly
 * rotated test images.  Pure functions of (seed, image index): the same image whatever the
 * order or the thread that makes it.  No I/O, no allocation. */
#ifndef NS_OOD_H
#define NS_OOD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Default rotation range, degrees: at least 30 degrees either way from upright, so a
 * rotated image is never a near-copy of a test image (documented in docs/eval.md). */
#define SIM_OOD_ROT_LO_DEG 30.0
#define SIM_OOD_ROT_HI_DEG 330.0

/* Image `image` of the noise set: n pixels, each uniform on 0..255 (one byte of a
 * Philox4x32-10 output: key = seed, counter = (image, word, 'OOD')). */
void sim_ood_noise(uint64_t seed, uint64_t image, uint32_t n, uint8_t *out);

/* The rotation angle of image `image`, degrees, uniform on [lo, hi] from Philox (key =
 * seed, counter = (image, 0, 'ROT')). */
double sim_ood_angle(uint64_t seed, uint64_t image, double lo, double hi);

/* Rotates the h x w image in (c planes, CHW) by deg degrees counter-clockwise about its
 * centre ((w-1)/2, (h-1)/2) into out (same shape; out != in): nearest neighbour, pixels
 * whose source falls outside the image are 0. */
void sim_ood_rotate(const uint8_t *in, uint32_t c, uint32_t h, uint32_t w, double deg,
                    uint8_t *out);

#ifdef __cplusplus
}
#endif
#endif
