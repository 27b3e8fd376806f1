/* cli_int.h - helpers shared by the command implementations (cli.c, compare.c). */
#ifndef NS_CLI_INT_H
#define NS_CLI_INT_H

#include <stdint.h>

#include "arch.h"
#include "cli_opt.h"


/* Prints "<cmdline>:1:COL: error: " + fmt (with one %s) for argument k; returns CLI_EUSAGE. */
int cli_usage_error(const args_t *a, int k, const char *fmt, const char *what);

/* The value after option argv[a->i - 1], advancing a->i; NULL (error printed) when missing. */
const char *cli_opt_value(args_t *a, const char *opt);

/* Parses decimal s for option opt (argument k) into [lo, hi]; CLI_OK or CLI_EUSAGE (printed). */
int cli_parse_u64(const args_t *a, int k, const char *opt, const char *s, uint64_t lo,
                  uint64_t hi, uint64_t *out);

/* Loads an architecture by built-in name or path (NULL: the default); prints diagnostics.
 * CLI_OK, CLI_EUSAGE or CLI_ERUN. */
int cli_load_arch(const char *spec, arch_t *arch);

/* `neuspin compare …` (compare.c). */
int cli_compare(args_t *a);

/* Column (1-based) of argv[k] in the command line "neuspin ARG1 ARG2 …" (cli.c). */
uint32_t cli_arg_col(const args_t *a, int k);

/* Applies `-p KEY=VALUE` arguments argv[argi[0..n)] to *arch in order, then arch_check;
 * diagnostics at <cmdline>:1:COL (COL of the value).  CLI_OK, CLI_EUSAGE (printed) or
 * CLI_ERUN (cli_override.c). */
int cli_apply_overrides(const args_t *a, arch_t *arch, const int *argi, int n);

/* `neuspin sweep …` (sweep_cmd.c), `neuspin merge …` (merge.c), `neuspin plot …` (plot.c). */
int cli_sweep(args_t *a);
int cli_merge(args_t *a);
int cli_plot(args_t *a);

#endif
