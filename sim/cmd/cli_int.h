/* cli_int.h - what the commands share: the options that mean the same on run, compare and
 * sweep (architecture, network, overrides, passes, seeds, mapping, timing, schedule,
 * include paths), loading an architecture, and the command entry points. */
#ifndef NS_CLI_INT_H
#define NS_CLI_INT_H

#include <stdint.h>

#include "arch.h"
#include "cli_opt.h"
#include "drng.h"
#include "trc.h"
#include "wl.h"
#include "wl_map.h"

/* ---- Options common to run, compare and sweep ---- */
enum {
    CLI_O_ARCH = 1000, /* ids above every command's own */
    CLI_O_WORKLOAD,
    CLI_O_PARAM,
    CLI_O_PASSES,
    CLI_O_SEED,
    CLI_O_MAPPING,
    CLI_O_TIMING,
    CLI_O_SCHEDULE,
    CLI_O_INCLUDE,
    CLI_O_DEVICE_SEED
};

#define CLI_MAX_PARAMS 64

/* Rows of an option table (cli_opt_t) for the common options. */
#define CLI_OPT_ARCH                                                                               \
    {                                                                                              \
        CLI_O_ARCH, 'a', "arch", "ARCH",                                                           \
            "architecture: a YAML file or a built-in name (default, spindrop,\n"                   \
            "spatial-spindrop, scaledrop, affine-dropout, subset-vi, spinbayes,\n"                 \
            "mc-dropout, mc-dropconnect, deterministic; default: default)"                         \
    }
#define CLI_OPT_WORKLOAD                                                                           \
    {                                                                                              \
        CLI_O_WORKLOAD, 'w', "workload", "NET",                                                    \
            "network: a built-in name (see 'neuspin list') or a network file\n"                    \
            "(workloads/README.md; default: lenet5-mnist)"                                         \
    }
#define CLI_OPT_PARAM                                                                              \
    {                                                                                              \
        CLI_O_PARAM, 'p', "param", "KEY=VALUE",                                                    \
            "set an architecture key, e.g. -p xbar.rows=256 (repeatable; keys\n"                   \
            "as in 'neuspin config --list-params')"                                                \
    }
#define CLI_OPT_PASSES                                                                             \
    {                                                                                              \
        CLI_O_PASSES, 'T', "passes", "N",                                                          \
            "MC passes per input (default: the network's mc_samples)"                              \
    }
#define CLI_OPT_SEED                                                                               \
    {                                                                                              \
        CLI_O_SEED, 0, "seed", "S", "master seed of the dropout masks (default: 1)"                \
    }
#define CLI_OPT_DEVICE_SEED                                                                        \
    {                                                                                              \
        CLI_O_DEVICE_SEED, 0, "device-seed", "D",                                                  \
            "the chip instance: each dropout module's device variation and\n"                      \
            "calibration residue (default: 1, the same chip whatever --seed)"                      \
    }
#define CLI_OPT_MAPPING                                                                            \
    {                                                                                              \
        CLI_O_MAPPING, 'm', "mapping", "1|2",                                                      \
            "conv mapping for layers without their own (1: kernel unrolled into\n"                 \
            "a column; 2: kernel split over K*K crossbars; default: chip.mapping)"                 \
    }
#define CLI_OPT_TIMING                                                                             \
    {                                                                                              \
        CLI_O_TIMING, 0, "timing", "MODE",                                                         \
            "event (default with SystemC): TLM-2.0, events at operation\n"                         \
            "boundaries; cycle: the same engines stepped by a clock, a check of\n"                 \
            "event (slow; the timing reference is the RTL); analytic: closed form\n"               \
            "over the operation programs, no SystemC (fast)"                                       \
    }
#define CLI_OPT_SCHEDULE                                                                           \
    {                                                                                              \
        CLI_O_SCHEDULE, 0, "schedule", "S", "layer or pipeline (default: chip.schedule)"           \
    }
#define CLI_OPT_INCLUDE                                                                            \
    {                                                                                              \
        CLI_O_INCLUDE, 'I', "include-path", "DIR",                                                 \
            "let !include reach files under DIR too (repeatable; by default only\n"                \
            "the including file's directory tree)"                                                 \
    }

/* The rows every command that runs a network shares (run, compare). */
#define CLI_OPTS_RUN_COMMON                                                                        \
    CLI_OPT_ARCH, CLI_OPT_WORKLOAD, CLI_OPT_PARAM, CLI_OPT_PASSES, CLI_OPT_SEED,                   \
        CLI_OPT_DEVICE_SEED, CLI_OPT_MAPPING, CLI_OPT_TIMING, CLI_OPT_SCHEDULE, CLI_OPT_INCLUDE

/* What the common options said.  Strings are borrowed from argv. */
typedef struct cli_runopts {
    const char *arch, *workload; /* NULL: not given */
    const char *param[CLI_MAX_PARAMS];
    cli_loc_t param_loc[CLI_MAX_PARAMS];
    int n_param;
    uint64_t T, seed, mapping; /* 0 when not given, but seed (have_seed) */
    int have_seed;
    uint64_t device_seed; /* 1 unless given */
    int timing;           /* sim_timing_t, -1 = not given */
    cli_loc_t timing_loc;
    int schedule; /* ARCH_SCHED_*, -1 = not given */
} cli_runopts_t;

void cli_runopts_init(cli_runopts_t *r);

/* Takes option id with value val (at loc) when it is a common one: 1; 0 when id is not a
 * common option; -1 after a usage error (printed). */
int cli_runopts_take(cli_runopts_t *r, const args_t *a, int id, const char *val, cli_loc_t loc);

/* Applies the -p overrides in order, then arch_check; diagnostics at <cmdline>:1:COL (the
 * value's column).  CLI_OK, CLI_EUSAGE (printed) or CLI_ERUN (cli_override.c). */
int cli_apply_overrides(const args_t *a, arch_t *arch, const cli_runopts_t *r);

/* ---- Errors and loading ---- */
/* Prints "<cmdline>:1:COL: error: " + the message for argument k; returns CLI_EUSAGE. */
int cli_usage_error(const args_t *a, int k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Loads an architecture by built-in name or path (NULL: the default); prints diagnostics.
 * CLI_OK, CLI_EUSAGE or CLI_ERUN. */
int cli_load_arch(const char *spec, arch_t *arch);

/* The option loop of a command, on cli_opt_next:
 *     const char *v; cli_loc_t loc; int id, ex;
 *     while (cli_opt_more(&ps, &id, &v, &loc, &ex)) { ... one option or argument ... }
 *     if (ex >= 0) return ex;
 * 1 with the next option's id (or CLI_OPT_ARG), value and location; 0 at the end (*exit
 * -1), after printing the help (*exit CLI_OK) or on a usage error, already printed
 * (*exit CLI_EUSAGE). */
int cli_opt_more(cli_opt_state_t *st, int *id, const char **val, cli_loc_t *loc, int *exit);

/* The writers' per-layer description of net mapped on arch (names borrowed from net):
 * storage, area, static power, achieved dropout p (cli.c; run and eval share it). */
void cli_describe_layers(const arch_t *arch, const wl_net_t *net, const wl_map_t *map,
                         uint64_t device_seed, uint64_t seed, trc_layer_t *out);
/* The two halves of cli_describe_layers (for sweep_inproc.c's cache): everything but the
 * achieved p, and layer i's achieved p and its dropout energies (has_p, p_*, has_en, en),
 * which follow from the dropout parameters, device_seed, i, the layer's units and p;
 * seed only keys the bank's mask stream (drng_create_chip). */
void cli_describe_layers_static(const arch_t *arch, const wl_net_t *net, const wl_map_t *map,
                                trc_layer_t *out);
void cli_layer_p(const arch_t *a, const wl_net_t *net, const wl_map_t *map, uint32_t i,
                 uint64_t device_seed, uint64_t seed, trc_layer_t *t);
/* cli_layer_p in three steps, so a caller can cache the middle one: the bank's inputs (0
 * when layer i has no dropout modules, or too many: the run itself reports that), the
 * bank built from them (its achieved p and supply energies; ok 0 when it cannot be built),
 * and what goes into t. */
/* A bank's inputs, zeroed before filling so that padding compares equal. */
typedef struct cli_bank_key {
    drng_params_t dp; /* the architecture's, with the layer's share */
    uint64_t device_seed;
    uint32_t layer, units;
    double p;
} cli_bank_key_t;

/* What cli_layer_p reads from the bank. */
typedef struct cli_bank_val {
    int ok;    /* drng_create_chip succeeded */
    int en_ok; /* drng_bank_energy succeeded */
    double p_target, p_mean, p_std;
    drng_energy_t en;
} cli_bank_val_t;
int cli_layer_bank_key(const arch_t *a, const wl_net_t *net, const wl_map_t *map, uint32_t i,
                       uint64_t device_seed, cli_bank_key_t *k);
void cli_bank_measure(const cli_bank_key_t *k, uint64_t seed, cli_bank_val_t *v);
void cli_layer_p_apply(const arch_t *a, const cli_bank_val_t *v, trc_layer_t *t);
/* The chip's area by component and its static power (cli.c). */
void cli_chip_area(const arch_t *a, const wl_map_t *map, trc_area_t *out);

/* ---- Commands ---- */
int cli_compare(args_t *a); /* compare.c */
int cli_sweep(args_t *a);   /* sweep_cmd.c */
int cli_merge(args_t *a);   /* merge.c */
int cli_plot(args_t *a);    /* plot.c */
int cli_eval(args_t *a);    /* eval.c */
int cli_explore(args_t *a); /* explore.c */

/* The commands' tables, for `neuspin help CMD`. */
extern const cli_cmd_t cli_compare_cmd, cli_sweep_cmd, cli_merge_cmd, cli_plot_cmd, cli_eval_cmd,
    cli_explore_cmd;

#endif
