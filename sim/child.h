/* child.h - running `neuspin run` as a child process and reading what it wrote: shared by
 * the commands that set several runs side by side (compare.c, sweep_cmd.c, merge.c,
 * plot.c).  SystemC elaborates one design per process, so every run is its own child,
 * started with posix_spawn from /proc/self/exe. */
#ifndef NS_SIM_CHILD_H
#define NS_SIM_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "energy.h"

#define CLI_MAX_LAYERS 4096 /* layers a layers.csv may hold */

/* Per-image figures of one layer of a run, summed over its MC passes. */
typedef struct cli_layer {
    char name[64];
    char kind[16];
    double e_pj;          /* energy over all passes */
    double e_comp_pj[COMP_COUNT]; /* by component (comp_t; columns e_<comp_name>_pj) */
    uint64_t cycles;      /* cycles over all passes */
    uint64_t rng_bits;    /* random bits over all passes */
    uint32_t rng_modules;
    uint32_t tiles;
    double e_rng_pj;      /* energy of the stochastic units (drng + arb) */
    uint64_t rng_cycles;  /* cycles the stochastic units were busy */
    uint64_t weight_bits; /* memory, bits */
    uint64_t bayes_bits;
    uint64_t sram_bits;
} cli_layer_t;

/* What one run wrote, read back from its layers.csv. */
typedef struct cli_run {
    uint32_t n_layers;
    cli_layer_t *layers; /* owned, CLI_MAX_LAYERS entries; free() */
    uint64_t end_cyc;    /* cycle the last pass ended: latency per image in cycles */
} cli_run_t;

/* ---- CSV ---- */
/* Splits one CSV line in place (RFC 4180 quotes, the line end dropped); returns the field
 * count (<= max). */
int cli_csv_split(char *line, char **f, int max);

/* Index of column `name` in a split header, or -1. */
int cli_csv_col(char **hdr, int n, const char *name);

/* ---- Run outputs ---- */
/* Reads DIR/layers.csv into *r (zeroed first).  ST_OK; ST_EIO with a one-line reason in
 * err; ST_ENOMEM.  On error r->layers is NULL. */
int cli_read_layers(const char *dir, cli_run_t *r, char *err, size_t errn);

/* Removes the files a run writes in dir (layers.csv, stats.csv, run.json), then dir. */
void cli_remove_run_dir(const char *dir);

/* ---- Children ---- */
/* Starts this executable with argv (argv[0] is only a name); stdout goes to out_fd and
 * stderr to err_fd (descriptors the caller opened; -1: /dev/null for stdout, inherited for
 * stderr).  The child starts with no signal blocked and SIGINT/SIGTERM/SIGCHLD at their
 * defaults, whatever the parent set.  0 with *pid set, or an errno value. */
int cli_spawn(char *const argv[], int out_fd, int err_fd, pid_t *pid);

/* Exit code of a wait status: the exit status, 128 + N for signal N. */
int cli_exit_code(int wstatus);

/* Waits for pid (retrying on EINTR); its cli_exit_code, or -1 when waiting failed. */
int cli_wait(pid_t pid);

#endif
