/* cli_limits.h - `neuspin run`'s resource limits on the command line (cli_limits.c):
 * --max-events N, --max-trace-mb N, --max-mem-mb N (0 = no limit), checked against the
 * estimates of limits.h after mapping and before elaboration. */
#ifndef NS_CLI_LIMITS_H
#define NS_CLI_LIMITS_H

#include <stdint.h>

#include "cli_int.h"
#include "limits.h"

/* Help lines of the three options, for run's --help. */
#define CLI_LIMITS_HELP                                                                     \
    "  --max-events N refuse a run estimated above N TLM transactions (default 2000000000)\n" \
    "  --max-trace-mb N  ... above N MB of layers.csv + stats.csv (default 4096)\n"         \
    "  --max-mem-mb N    ... above N MB of model memory (default 8192); 0 = no limit\n"

/* Option argv[k] == o (a->i past it): when it is one of the three, reads its value into l
 * and returns 1 (-1 with the usage error printed); 0 when o is another option. */
int cli_limits_option(args_t *a, int k, const char *o, sim_limits_t *l);

/* Estimates the run and prints "neuspin: error: the run needs an estimated …; raise it with
 * --max-…" when over a limit.  CLI_OK or CLI_EUSAGE.  timing: sim_timing_t (the analytic
 * mode makes no transactions); with_traces: -o was given. */
int cli_limits_check(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t T,
                     uint32_t timing, int with_traces, const sim_limits_t *l);

#endif
