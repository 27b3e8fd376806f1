/* check_idx.c - IDX files (workloads/idx.c): a hand-written 2 x 2 x 2 file, plain and gzip,
 * and each refusal with its message. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/status.h"
#include "idx.h"

static char dir[64], path[128];

static void setup(void)
{
    strcpy(dir, "/tmp/check_idx_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char p[128];
    const char *names[] = {"a.idx", "a.gz"};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* Writes n bytes to dir/a.idx (gz = 0) or dir/a.gz; path names it. */
static void put(const void *b, size_t n, int gz)
{
    snprintf(path, sizeof path, "%s/%s", dir, gz ? "a.gz" : "a.idx");
    if (gz) {
        gzFile g = gzopen(path, "wb");
        ck_assert_ptr_nonnull(g);
        ck_assert_int_eq(gzwrite(g, b, (unsigned)n), (int)n);
        ck_assert_int_eq(gzclose(g), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(b, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
    }
}

/* magic 00 00 08 03, dims 2 2 2 (big-endian), then 8 bytes 1..8 */
static const uint8_t good[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2,
                               0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};

START_TEST(test_idx_reads_2x2x2_plain_and_gz)
{
    for (int gz = 0; gz < 2; gz++) {
        wl_idx_t x;
        char err[256] = "";
        put(good, sizeof good, gz);
        ck_assert_int_eq(wl_idx_load(path, 3, &x, err, sizeof err), ST_OK);
        ck_assert_uint_eq(x.n_dims, 3);
        ck_assert_uint_eq(x.dims[0], 2);
        ck_assert_uint_eq(x.dims[2], 2);
        ck_assert_uint_eq(x.n_elems, 8); /* 2 x 2 x 2 */
        ck_assert_uint_eq(x.data[0], 1);
        ck_assert_uint_eq(x.data[7], 8); /* image 1, row 1, column 1 */
        wl_idx_free(&x);
    }
}
END_TEST

/* Loads path expecting status st and a message containing want (after "PATH: error: "). */
static void refused(int want_dims, int st, const char *want)
{
    wl_idx_t x = {0};
    char err[256] = "", pre[160];
    ck_assert_int_eq(wl_idx_load(path, (uint32_t)want_dims, &x, err, sizeof err), st);
    snprintf(pre, sizeof pre, "%s: error: ", path);
    ck_assert_msg(!strncmp(err, pre, strlen(pre)), "message '%s'", err);
    ck_assert_msg(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
    ck_assert_ptr_null(x.data); /* untouched */
}

START_TEST(test_idx_refuses_bad_headers)
{
    uint8_t b[sizeof good];
    memcpy(b, good, sizeof b);
    b[0] = 1; /* magic must start 00 00 */
    put(b, sizeof b, 0);
    refused(3, ST_EINVAL, "not an IDX file: expected magic 00 00 TYPE NDIMS");
    memcpy(b, good, sizeof b);
    b[2] = 0x0d; /* float */
    put(b, sizeof b, 0);
    refused(3, ST_EINVAL, "data type 0x0d not supported");
    put(good, sizeof good, 0);
    refused(1, ST_EINVAL, "expected 1 dimensions (labels), got 3");
    memcpy(b, good, sizeof b);
    b[11] = 0; /* dims 2 0 2 */
    put(b, sizeof b, 0);
    refused(3, ST_EINVAL, "dimension 1 is 0");
    put(good, 10, 0); /* header cut after 10 of its 16 bytes */
    refused(3, ST_EIO, "truncated: the header ends after 10 bytes");
    put(good, 2, 0);
    refused(3, ST_EIO, "truncated: 2 of the 4 magic bytes");
    snprintf(path, sizeof path, "%s/none", dir);
    refused(3, ST_EIO, "cannot open");
    snprintf(path, sizeof path, "%s", dir);
    refused(3, ST_EIO, "not a regular file");
}
END_TEST

START_TEST(test_idx_refuses_truncated_and_trailing_data)
{
    for (int gz = 0; gz < 2; gz++) {
        put(good, sizeof good - 3, gz); /* 5 of 8 data bytes */
        refused(3, ST_EIO, gz ? "the file holds 5" : "the file holds 5");
        uint8_t b[sizeof good + 1];
        memcpy(b, good, sizeof good);
        b[sizeof good] = 9; /* a 9th byte */
        put(b, sizeof b, gz);
        refused(3, ST_EIO, "data past the 8 bytes the header says");
    }
}
END_TEST

START_TEST(test_idx_refuses_more_than_2_28_elements)
{
    /* 2 x 2^14 x 2^14 = 2^29 > 2^28 */
    const uint8_t b[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0x40, 0, 0, 0, 0x40, 0};
    put(b, sizeof b, 0);
    refused(3, ST_ERANGE, "more than 268435456 elements (2^28): refused");
}
END_TEST

START_TEST(test_idx_refuses_gz_bomb_before_allocating)
{
    /* 1 x 2^14 x 2^14 = 2^28 bytes claimed (allowed by count) in a .gz of ~50 bytes:
     * 2^28 / 1040 = 258111 > 50, so no deflate stream that small can hold them */
    const uint8_t b[] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0, 0, 0};
    put(b, sizeof b, 1);
    refused(3, ST_EIO, "compressed bytes cannot hold the 268435456 data bytes");
}
END_TEST

Suite *idx_suite(void)
{
    Suite *s = suite_create("idx");
    TCase *c = tcase_create("Core");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_idx_reads_2x2x2_plain_and_gz);
    suite_add_tcase(s, c);
    TCase *e = tcase_create("Errors");
    tcase_add_checked_fixture(e, setup, teardown);
    tcase_add_test(e, test_idx_refuses_bad_headers);
    tcase_add_test(e, test_idx_refuses_truncated_and_trailing_data);
    tcase_add_test(e, test_idx_refuses_more_than_2_28_elements);
    tcase_add_test(e, test_idx_refuses_gz_bomb_before_allocating);
    suite_add_tcase(s, e);
    return s;
}
