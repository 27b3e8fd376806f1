/* idx.c - IDX files, plain or gzip (idx.h).  zlib reads both: gzread passes a plain file
 * through.  The header's sizes bound everything: the allocation (checked first against
 * what the file on disk can hold), the bytes inflated, and nothing may follow the data. */
#define _POSIX_C_SOURCE 200809L
#include "idx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/status.h"

/* deflate compresses at most about 1032:1, so a .gz of S bytes inflates to fewer than
 * 1032 S + a little; a header claiming more is a lie, refused before allocating. */
#define IDX_GZ_MAX_RATIO 1040u

static int idx_fail(char *err, size_t errn, const char *path, int st, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int idx_fail(char *err, size_t errn, const char *path, int st, const char *fmt, ...)
{
    if (err && errn) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(err, errn, "%s: error: %s", path, msg);
    }
    return st;
}

/* Reads exactly n bytes (n may exceed INT_MAX): n, or fewer at the end, or -1 on error. */
static int64_t gz_read_all(gzFile g, uint8_t *buf, uint64_t n)
{
    uint64_t got = 0;
    while (got < n) {
        uint64_t want = n - got;
        if (want > (1u << 30))
            want = 1u << 30;
        int r = gzread(g, buf + got, (unsigned)want);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (uint64_t)r;
    }
    return (int64_t)got;
}

int wl_idx_load(const char *path, uint32_t want_dims, wl_idx_t *out, char *err, size_t errn)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return idx_fail(err, errn, path, ST_EIO, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return idx_fail(err, errn, path, ST_EIO, "not a regular file");
    }
    uint8_t magic2[2] = {0, 0};
    const int gz = pread(fd, magic2, 2, 0) == 2 && magic2[0] == 0x1f && magic2[1] == 0x8b;
    gzFile g = gzdopen(fd, "rb");
    if (!g) {
        close(fd);
        return idx_fail(err, errn, path, ST_ENOMEM, "out of memory");
    }
    int st = ST_OK;
    uint8_t hdr[4 + 4 * WL_IDX_MAX_DIMS], one;
    wl_idx_t x = {0};
    int64_t r = gz_read_all(g, hdr, 4);
    if (r < 0) {
        int e;
        st = idx_fail(err, errn, path, ST_EIO, "cannot read: %s", gzerror(g, &e));
        goto done;
    }
    if (r < 4) {
        st =
            idx_fail(err, errn, path, ST_EIO, "truncated: %lld of the 4 magic bytes", (long long)r);
        goto done;
    }
    if (hdr[0] != 0 || hdr[1] != 0 || hdr[3] == 0 || hdr[3] > WL_IDX_MAX_DIMS) {
        st = idx_fail(err, errn, path, ST_EINVAL,
                      "not an IDX file: expected magic 00 00 TYPE NDIMS with NDIMS in [1, %d], "
                      "got %02x %02x %02x %02x",
                      WL_IDX_MAX_DIMS, hdr[0], hdr[1], hdr[2], hdr[3]);
        goto done;
    }
    if (hdr[2] != 0x08) {
        st = idx_fail(err, errn, path, ST_EINVAL,
                      "data type 0x%02x not supported: expected 0x08 (unsigned byte)", hdr[2]);
        goto done;
    }
    x.n_dims = hdr[3];
    if (want_dims && x.n_dims != want_dims) {
        st = idx_fail(err, errn, path, ST_EINVAL, "expected %u dimensions (%s), got %u", want_dims,
                      want_dims == 1 ? "labels" : "images N x H x W", x.n_dims);
        goto done;
    }
    r = gz_read_all(g, hdr + 4, 4ull * x.n_dims);
    if (r != (int64_t)(4 * x.n_dims)) {
        st = idx_fail(err, errn, path, ST_EIO, "truncated: the header ends after %lld bytes",
                      (long long)(r < 0 ? 4 : 4 + r));
        goto done;
    }
    x.n_elems = 1;
    for (uint32_t i = 0; i < x.n_dims; i++) {
        const uint8_t *b = hdr + 4 + 4 * i;
        x.dims[i] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        if (x.dims[i] == 0) {
            st = idx_fail(err, errn, path, ST_EINVAL, "dimension %u is 0", i);
            goto done;
        }
        x.n_elems *= x.dims[i]; /* at most 2^28 x 2^32 before the check: no wrap */
        if (x.n_elems > WL_IDX_MAX_ELEMS) {
            st = idx_fail(err, errn, path, ST_ERANGE, "more than %llu elements (2^28): refused",
                          (unsigned long long)WL_IDX_MAX_ELEMS);
            goto done;
        }
    }
    const uint64_t head = 4 + 4ull * x.n_dims, size = (uint64_t)sb.st_size;
    if (!gz && size < head + x.n_elems) {
        st = idx_fail(err, errn, path, ST_EIO,
                      "truncated: the header says %llu data bytes, the file holds %llu",
                      (unsigned long long)x.n_elems, (unsigned long long)(size - head));
        goto done;
    }
    if (gz && x.n_elems / IDX_GZ_MAX_RATIO > size) {
        st = idx_fail(err, errn, path, ST_EIO,
                      "truncated: %llu compressed bytes cannot hold the %llu data bytes the "
                      "header says",
                      (unsigned long long)size, (unsigned long long)x.n_elems);
        goto done;
    }
    x.data = malloc(x.n_elems);
    if (!x.data) {
        st = idx_fail(err, errn, path, ST_ENOMEM, "out of memory");
        goto done;
    }
    r = gz_read_all(g, x.data, x.n_elems);
    if (r < 0) {
        int e;
        st = idx_fail(err, errn, path, ST_EIO, "cannot read: %s", gzerror(g, &e));
        goto done;
    }
    if ((uint64_t)r < x.n_elems) {
        st = idx_fail(err, errn, path, ST_EIO,
                      "truncated: the header says %llu data bytes, the file holds %llu",
                      (unsigned long long)x.n_elems, (unsigned long long)r);
        goto done;
    }
    if (gz_read_all(g, &one, 1) != 0) { /* anything after the data, or a corrupt stream */
        st = idx_fail(err, errn, path, ST_EIO,
                      "data past the %llu bytes the header says (or a corrupt stream)",
                      (unsigned long long)x.n_elems);
        goto done;
    }
done:
    gzclose(g); /* closes fd */
    if (st != ST_OK) {
        free(x.data);
        return st;
    }
    *out = x;
    return ST_OK;
}

void wl_idx_free(wl_idx_t *x)
{
    if (!x)
        return;
    free(x->data);
    x->data = NULL;
}
