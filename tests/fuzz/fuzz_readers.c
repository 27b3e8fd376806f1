/* fuzz_readers.c - libFuzzer harness of the output readers that `merge`, `plot`,
 * `compare` and `sweep` use (traces/trc_read.h): layers.csv, summary.csv (as merge reads
 * it, rows checked against a point count), run.json and sweep.json.
 *
 * The first byte picks the reader (its value mod 4), the rest is the file.  A refusal must
 * come with a `FILE:LINE:COL: error:` message; an accepted layers.csv must have as many
 * layers as it named and no more than it has rows; every accepted summary row's point must
 * be below the count. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, in fuzz_util.h */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "trc_read.h"

#define FUZZ_NAME "fuzz_readers"
#include "fuzz_util.h"

/* A refusal names where: "name:LINE:COL: error: ". */
static void check_message(int rc, const char *err, const char *name)
{
    if (rc == ST_ENOMEM)
        return;
    size_t n = strlen(name);
    if (strncmp(err, name, n) != 0 || err[n] != ':' || !strstr(err, ": error: "))
        fail("a refusal without FILE:LINE:COL: error:", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    char err[512] = "";
    int rc;
    switch (data[0] % 4) {
    case 0: {
        trc_run_t r;
        rc = trc_layers_parse("layers.csv", text, len, &r, err, sizeof err);
        if (rc != ST_OK) {
            check_message(rc, err, "layers.csv");
            if (r.layers)
                fail("layers kept after a refusal", NULL);
            break;
        }
        if (r.n_layers == 0 || r.passes == 0 || (size_t)r.n_layers > len)
            fail("an accepted layers.csv with an impossible layer count", NULL);
        free(r.layers);
        break;
    }
    case 1: {
        trc_csv_t *c;
        if (trc_csv_open_mem("summary.csv", text, len, &c) != ST_OK)
            break;
        trc_summary_hdr_t h;
        trc_summary_row_t row;
        const uint64_t points = 5;
        rc = trc_summary_header(c, data[0] & 4 ? -1 : 1, &h, err, sizeof err);
        while (rc == ST_OK && (rc = trc_csv_next(c, err, sizeof err)) == 1) {
            size_t raw_len;
            trc_csv_raw(c, &raw_len);
            if (raw_len > len)
                fail("a record longer than its file", NULL);
            if ((rc = trc_summary_row(c, &h, points, &row, err, sizeof err)) == ST_OK &&
                row.point >= points)
                fail("a summary row beyond the point count was accepted", NULL);
        }
        if (rc < 0)
            check_message(rc, err, "summary.csv");
        trc_csv_close(c);
        break;
    }
    case 2: {
        trc_run_info_t ri;
        rc = trc_run_info_parse("run.json", text, len, &ri, err, sizeof err);
        if (rc == ST_OK)
            free(ri.arch_yaml);
        else
            check_message(rc, err, "run.json");
        break;
    }
    default: {
        trc_sweep_info_t *s;
        rc = trc_sweep_info_parse("sweep.json", text, len, &s, err, sizeof err);
        if (rc == ST_OK) {
            if (trc_sweep_points(s) == 0)
                fail("a sweep.json with 0 points was accepted", NULL);
            for (unsigned k = 0; k < trc_sweep_n_axes(s); k++)
                (void)trc_sweep_axis_key(s, k);
            trc_sweep_info_free(s);
        } else {
            check_message(rc, err, "sweep.json");
        }
        break;
    }
    }
    return 0;
}
