/* idx.h - reading IDX files (LeCun's MNIST format, in which Fashion-MNIST ships), plain or
 * gzip-compressed, for `neuspin eval`.  Unsigned-byte data only (type 0x08: images and
 * labels); every size is checked against the file before anything is allocated.
 *
 * Format: 4 magic bytes 0x00 0x00 TYPE NDIMS, then NDIMS big-endian uint32 sizes, then
 * the product of the sizes in data elements, row-major, and nothing after them. */
#ifndef NS_IDX_H
#define NS_IDX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WL_IDX_MAX_DIMS 4
#define WL_IDX_MAX_ELEMS (1ull << 28) /* 268 M bytes: refused above (a gz bomb's cap too) */

typedef struct wl_idx {
    uint32_t n_dims;                /* 1..WL_IDX_MAX_DIMS */
    uint32_t dims[WL_IDX_MAX_DIMS]; /* dims[0] is the item count (images, labels) */
    uint64_t n_elems;               /* product of dims, <= WL_IDX_MAX_ELEMS */
    uint8_t *data;                  /* n_elems bytes, owned (wl_idx_free) */
} wl_idx_t;

/* Reads `path` (a regular file; gzip when it starts with 1f 8b, else plain) whose data has
 * `want_dims` dimensions (1: labels, 3: images N x H x W; 0: any).  Refuses, with a one-line
 * reason "PATH: error: ..." in err: a missing or unreadable file, a bad magic, a type other
 * than unsigned byte, a zero size, more than WL_IDX_MAX_ELEMS elements, a file shorter than
 * its header says (truncated) and data past the end (the inflated size is capped by the
 * header's dims, so a small .gz never inflates beyond what it declared).
 * ST_OK; ST_EIO (unreadable, truncated, trailing data); ST_EINVAL (bad header); ST_ERANGE
 * (too large); ST_ENOMEM.  *out untouched on error. */
int wl_idx_load(const char *path, uint32_t want_dims, wl_idx_t *out, char *err, size_t errn);

void wl_idx_free(wl_idx_t *x); /* frees x->data; NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
