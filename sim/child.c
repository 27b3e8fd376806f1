/* child.c - children running `neuspin run`, and reading their layers.csv (see child.h). */
#define _POSIX_C_SOURCE 200809L
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/status.h"

extern char **environ;

/* ---- CSV ---- */

int cli_csv_split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            char *w = ++p;
            f[n++] = w;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"' || !*p) {
                    if (*p)
                        p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = 0;
            p += strcspn(p, ",\r\n");
        } else {
            f[n++] = p;
            p += strcspn(p, ",\r\n");
        }
        if (*p != ',') {
            *p = 0;
            break;
        }
        *p++ = 0;
    }
    return n;
}

int cli_csv_col(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(hdr[i], name))
            return i;
    return -1;
}

/* ---- Run outputs ---- */

int cli_read_layers(const char *dir, cli_run_t *r, char *err, size_t errn)
{
    memset(r, 0, sizeof *r);
    char path[4200];
    snprintf(path, sizeof path, "%s/layers.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errn, "%.200s: cannot read: %s", path, strerror(errno));
        return ST_EIO;
    }
    static char hline[8192], line[8192];
    char *hdr[96], *fld[96];
    int rc = ST_EIO;
    if (!fgets(hline, sizeof hline, f))
        goto done;
    int nh = cli_csv_split(hline, hdr, 96);
    const int c_layer = cli_csv_col(hdr, nh, "layer"), c_name = cli_csv_col(hdr, nh, "name"),
              c_kind = cli_csv_col(hdr, nh, "kind"), c_start = cli_csv_col(hdr, nh, "start_cycle"),
              c_cyc = cli_csv_col(hdr, nh, "cycles"), c_e = cli_csv_col(hdr, nh, "energy_pj"),
              c_mod = cli_csv_col(hdr, nh, "rng_modules"), c_bits = cli_csv_col(hdr, nh, "rng_bits"),
              c_w = cli_csv_col(hdr, nh, "weight_bits"), c_b = cli_csv_col(hdr, nh, "bayes_bits"),
              c_s = cli_csv_col(hdr, nh, "sram_bits"), c_t = cli_csv_col(hdr, nh, "tiles"),
              c_ed = cli_csv_col(hdr, nh, "e_drng_pj"), c_ea = cli_csv_col(hdr, nh, "e_arb_pj"),
              c_rc = cli_csv_col(hdr, nh, "rng_cycles");
    int c_comp[COMP_COUNT];
    for (int k = 0; k < COMP_COUNT; k++) {
        char name[48];
        snprintf(name, sizeof name, "e_%s_pj", comp_name((comp_t)k));
        c_comp[k] = cli_csv_col(hdr, nh, name);
    }
    if (c_layer < 0 || c_name < 0 || c_kind < 0 || c_start < 0 || c_cyc < 0 || c_e < 0 ||
        c_mod < 0 || c_bits < 0 || c_w < 0 || c_b < 0 || c_s < 0 || c_t < 0 || c_ed < 0 ||
        c_ea < 0 || c_rc < 0)
        goto done;
    r->layers = st_calloc(CLI_MAX_LAYERS, sizeof *r->layers);
    if (!r->layers) {
        rc = ST_ENOMEM;
        goto done;
    }
    while (fgets(line, sizeof line, f)) {
        int n = cli_csv_split(line, fld, 96);
        if (n < nh)
            goto done;
        unsigned long li = strtoul(fld[c_layer], NULL, 10);
        if (li >= CLI_MAX_LAYERS)
            goto done;
        cli_layer_t *l = &r->layers[li];
        if (li + 1 > r->n_layers)
            r->n_layers = (uint32_t)li + 1;
        snprintf(l->name, sizeof l->name, "%s", fld[c_name]);
        snprintf(l->kind, sizeof l->kind, "%s", fld[c_kind]);
        uint64_t start = strtoull(fld[c_start], NULL, 10), cyc = strtoull(fld[c_cyc], NULL, 10);
        l->cycles += cyc;
        l->e_pj += strtod(fld[c_e], NULL);
        for (int k = 0; k < COMP_COUNT; k++)
            if (c_comp[k] >= 0)
                l->e_comp_pj[k] += strtod(fld[c_comp[k]], NULL);
        l->rng_bits += strtoull(fld[c_bits], NULL, 10);
        l->e_rng_pj += strtod(fld[c_ed], NULL) + strtod(fld[c_ea], NULL);
        l->rng_cycles += strtoull(fld[c_rc], NULL, 10);
        l->tiles = (uint32_t)strtoul(fld[c_t], NULL, 10);
        l->rng_modules = (uint32_t)strtoul(fld[c_mod], NULL, 10);
        l->weight_bits = strtoull(fld[c_w], NULL, 10);
        l->bayes_bits = strtoull(fld[c_b], NULL, 10);
        l->sram_bits = strtoull(fld[c_s], NULL, 10);
        if (start + cyc > r->end_cyc)
            r->end_cyc = start + cyc;
    }
    rc = ST_OK;
done:
    if (rc == ST_EIO)
        snprintf(err, errn, "%.200s: not a layers.csv this neuspin reads", path);
    if (rc != ST_OK) {
        free(r->layers);
        r->layers = NULL;
    }
    fclose(f);
    return rc;
}

void cli_remove_run_dir(const char *dir)
{
    static const char *const names[] = {"layers.csv", "stats.csv", "run.json"};
    char p[4200];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (snprintf(p, sizeof p, "%s/%s", dir, names[i]) < (int)sizeof p)
            unlink(p);
    rmdir(dir);
}

/* ---- Children ---- */

int cli_spawn(char *const argv[], int out_fd, int err_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dfl;
    int e = posix_spawn_file_actions_init(&fa);
    if (e)
        return e;
    e = posix_spawnattr_init(&at);
    if (e) {
        posix_spawn_file_actions_destroy(&fa);
        return e;
    }
    /* A sweep blocks SIGCHLD/SIGINT/SIGTERM around its wait; the child must not inherit
     * that, nor an ignored SIGINT from a shell's background job. */
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGCHLD);
    if (!e)
        e = posix_spawnattr_setsigmask(&at, &none);
    if (!e)
        e = posix_spawnattr_setsigdefault(&at, &dfl);
    if (!e)
        e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    /* Descriptors the caller opened safely (trc_dir_create_fd), never a path opened here. */
    if (!e && out_fd >= 0)
        e = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    else if (!e)
        e = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (!e && err_fd >= 0)
        e = posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
    if (!e)
        e = posix_spawn(pid, "/proc/self/exe", &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return e;
}

int cli_exit_code(int ws)
{
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return 1;
}

int cli_wait(pid_t pid)
{
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return -1;
    return cli_exit_code(ws);
}
