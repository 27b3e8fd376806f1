/* fuzz_sweep.c - libFuzzer harness of the sweep-file loader (sim/cmd/sweep.c, pure C).
 *
 * Every input is loaded with sweep_load_string as the file sweep.yaml of a scratch
 * directory that holds an architecture (a.yaml) and a workload (n.yaml) it may name by
 * relative path; diagnostics are printed to /dev/null.  A refusal must come with a
 * diagnostic.  A sweep that loads with at most 256 points is checked (sweep_check: every
 * point built and mapped), and every point's index, architecture, run settings, label and
 * argument vector are built; each must stay in range.  Inputs naming device or process
 * files (/dev/, /proc/, /sys/) are skipped: reading /dev/stdin or /dev/zero is not a bug
 * of the loader, only a slow or blocking input. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/status.h"
#include "sweep.h"

#define FUZZ_NAME "fuzz_sweep"
#include "fuzz_util.h"

static const char *scratch(void)
{
    static const char *const files[][2] = {
        {"a.yaml", "version: 1\nchip: {tiles: 64}\nxbar: {rows: 64, cols: 64}\n"},
        {"n.yaml", "version: 1\ninput: {c: 1, h: 8, w: 8}\nmc_samples: 2\nlayers:\n"
                   "  - {name: c, type: conv, cout: 4, k: 3, dropout: 0.1}\n"
                   "  - {name: f, type: fc, cout: 10, dropout: 0.2}\n"},
    };
    return scratch_with(files, sizeof files / sizeof files[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (mentions(data, size, "/dev/") || mentions(data, size, "/proc/") ||
        mentions(data, size, "/sys/"))
        return 0;
    char path[128];
    snprintf(path, sizeof path, "%s/sweep.yaml", scratch());
    sweep_t *s = NULL;
    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = sweep_load_string(path, (const char *)data, size, &s, &dl);
    if (sink())
        arch_diag_print(sink(), &dl);
    if (rc != ST_OK) {
        if (dl.n == 0 && rc != ST_ENOMEM)
            fail("refused without a diagnostic", NULL);
        return 0;
    }
    if (s->n_points == 0 || s->n_points > SWEEP_MAX_POINTS || s->n_wl == 0 ||
        s->base_wl >= s->n_wl)
        fail("a loaded sweep is out of its bounds", NULL);
    if (s->n_points <= 256) {
        uint64_t bad = 0;
        arch_diag_init(&dl);
        rc = sweep_check(s, &dl, &bad);
        if (sink())
            arch_diag_print(sink(), &dl);
        if (rc != ST_OK && rc != ST_ECONFIG && rc != ST_ENOMEM)
            fail("sweep_check returned a bug status", st_str(rc));
        if (rc == ST_ECONFIG && (bad == 0 || dl.n == 0))
            fail("sweep_check failed without a bad point or a diagnostic", NULL);
        uint32_t idx[SWEEP_MAX_AXES];
        for (uint64_t i = 0; i < s->n_points; i++) {
            sweep_point_index(s, i, idx);
            for (uint32_t k = 0; k < s->n_axes; k++)
                if (idx[k] >= s->axes[k].n_values)
                    fail("a point's value index is out of range", NULL);
            arch_t a;
            uint64_t T, mapping, seed;
            uint32_t wl;
            char label[256], **argv = NULL;
            sweep_point_arch(s, i, &a);
            sweep_point_run(s, i, &T, &mapping, &seed, &wl);
            if (wl >= s->n_wl)
                fail("a point's workload is out of range", NULL);
            sweep_point_label(s, i, label, sizeof label);
            if (sweep_point_argv(s, i, "/tmp/out", &argv) == ST_OK) {
                if (!argv || !argv[0])
                    fail("an empty argument vector", NULL);
                free(argv);
            }
        }
    }
    sweep_destroy(s);
    return 0;
}
