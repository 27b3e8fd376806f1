/* fuzz_sweep.c - libFuzzer harness of the sweep-file loader (sim/cmd/sweep.c, pure C).
 *
 * Every input is loaded with sweep_load_string as the file sweep.yaml of a scratch
 * directory that holds an architecture (a.yaml) and a workload (n.yaml) it may name by
 * relative path; diagnostics are printed to /dev/null.  A refusal must come with a
 * diagnostic.  A sweep that loads with at most 256 points is checked (sweep_check_map: every
 * point built and mapped, the invalid ones marked), and every point's index, architecture,
 * run settings, label, network (net.* axes applied; its id in range and its first point's
 * id the same) and argument vector are built; each must stay in range, and every p in
 * [0, 0.99].  Inputs naming device or process
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

static const char *net_path(void *ctx, uint64_t id)
{
    static char buf[64];
    char name[40];
    (void)ctx;
    sweep_net_file_name(id, name, sizeof name);
    snprintf(buf, sizeof buf, "/tmp/out/inputs/%s", name);
    return buf;
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
    if (s->n_points == 0 || s->n_points > SWEEP_MAX_POINTS || s->n_wl == 0 || s->base_wl >= s->n_wl)
        fail("a loaded sweep is out of its bounds", NULL);
    if (s->n_points <= 256) {
        uint64_t bad = 0, marked = 0;
        unsigned char *map = NULL;
        arch_diag_init(&dl);
        rc = sweep_check_map(s, &dl, &bad, &map);
        if (sink())
            arch_diag_print(sink(), &dl);
        if (rc != ST_OK && rc != ST_ECONFIG && rc != ST_ENOMEM)
            fail("sweep_check returned a bug status", st_str(rc));
        if (rc == ST_ECONFIG && (bad == 0 || dl.n == 0))
            fail("sweep_check failed without a bad point or a diagnostic", NULL);
        for (uint64_t i = 0; map && i < s->n_points; i++) {
            char msg[400];
            int pc = sweep_point_check(s, i, msg, sizeof msg);
            marked += (uint64_t)sweep_bad_test(map, i);
            if (pc != ST_ENOMEM && (pc == ST_OK) == sweep_bad_test(map, i))
                fail("sweep_point_check disagrees with the map", NULL);
            if (pc == ST_ECONFIG && !msg[0])
                fail("an invalid point without an error text", NULL);
        }
        if (map && marked != bad)
            fail("the map marks another number of points than n_bad", NULL);
        free(map);
        uint64_t n_net = sweep_net_count(s);
        if ((n_net == 0) != (s->n_net_axes == 0) || n_net > s->n_points)
            fail("a network count out of its bounds", NULL);
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
            wl_net_t *net = NULL;
            if (sweep_point_network(s, i, &net) == ST_OK) {
                for (uint32_t l = 0; l < net->n_layers; l++)
                    if (!(net->layers[l].p >= 0 && net->layers[l].p <= 0.99))
                        fail("a network with p outside [0, 0.99]", NULL);
                wl_net_destroy(net);
            }
            uint64_t id = sweep_point_net(s, i);
            if (n_net && (id >= n_net || sweep_point_net(s, sweep_net_point(s, id)) != id))
                fail("a network id out of range or not its first point's", NULL);
            if (sweep_point_argv_net(s, i, "/tmp/out", net_path, NULL, &argv) == ST_OK) {
                if (!argv || !argv[0])
                    fail("an empty argument vector", NULL);
                free(argv);
            }
        }
    }
    sweep_destroy(s);
    return 0;
}
